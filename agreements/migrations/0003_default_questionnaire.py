"""Give every existing program the default assumption questionnaire.

The statements are frozen here (not imported) so this migration keeps meaning what it meant
when it was written, whatever agreements/defaults.py becomes later.
"""

from django.db import migrations

QUESTIONS = [
    ("What we discuss in our mentoring conversations stays between us.", "agree",
     "The content of mentoring conversations is confidential by default.", ""),
    ("The mentor may take part in promotion discussions about the mentee.", "",
     "Only by mutual agreement, made up front.", "allows_promotion_participation"),
    ("The mentor may speak about the mentee's growth and readiness in promotion discussions.", "",
     "Advocacy is valuable, by mutual agreement and with the mentee's consent.", "allows_advocacy"),
    ("The mentor may share facts about our mentoring relationship (for example how often we met).",
     "", "Facts about the relationship only, never about the person as employee.",
     "allows_engagement"),
    ("The mentor may comment on the mentee's job performance.", "disagree",
     "No: a mentor's input is not a performance review; that is the supervisor's role.", ""),
    ("The mentor may talk to the mentee's supervisor about our conversations.", "disagree",
     "The content of mentoring conversations stays confidential.", ""),
    ("Confidentiality continues after our mentoring relationship ends.", "agree",
     "What was said in confidence stays confidential.", ""),
]


def add_defaults(apps, schema_editor):
    Program = apps.get_model("mentorship", "Program")
    Question = apps.get_model("agreements", "Question")
    for program in Program.objects.all():
        if Question.objects.filter(program=program).exists():
            continue
        Question.objects.bulk_create(
            Question(program=program, order=(n + 1) * 10, text=text, guideline_answer=expected,
                     guideline_note=note, maps_to_term=term)
            for n, (text, expected, note, term) in enumerate(QUESTIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_exchange_terms_signatures"),
        ("mentorship", "0002_program_admins_group"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
