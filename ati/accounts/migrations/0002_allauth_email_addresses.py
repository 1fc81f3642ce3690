"""Every existing account gets its allauth e-mail address: nobody is locked out.

allauth lets a person sign in only through a confirmed `EmailAddress` row
(ACCOUNT_EMAIL_VERIFICATION = "mandatory"). Each account gets one, primary,
confirmed exactly when the account was (`User.email_verified`): staff and
confirmed citizens sign in as before; an unconfirmed citizen is offered a new
link at the next sign-in. Going back removes nothing that was there before.
"""

from django.db import migrations


def add_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    has_one = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(
                user_id=user_id, email=email.strip().lower(), primary=True, verified=verified
            )
            for user_id, email, verified in User.objects.values_list(
                "pk", "email", "email_verified"
            ).iterator()
            if user_id not in has_one
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_addresses, migrations.RunPython.noop)]
