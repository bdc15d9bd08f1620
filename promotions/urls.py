app_name = "promotions"

urlpatterns: list = []
