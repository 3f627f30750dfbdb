from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "masar.web"
    label = "web"
    verbose_name = "Web pages"
