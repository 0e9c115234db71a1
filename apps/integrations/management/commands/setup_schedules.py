from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.integrations.sync import schedules_apply


class Command(BaseCommand):
    help = "Create or update Tributary's django-q2 schedules (idempotent; run at every deploy)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name in schedules_apply():
            self.stdout.write(f"schedule {name}: up to date")
