from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "masar.demo"
    label = "demo"
    verbose_name = "Demonstration season"
