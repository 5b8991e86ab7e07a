from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "rumbo.jobs"
    label = "jobs"
    verbose_name = _("Files prepared in the background")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app registers its kinds of job in its own `jobs` module (as `admin` modules
        # register models): this app names none of them, and a worker process that only
        # loads Django finds them all.
        autodiscover_modules("jobs")
