from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "masar.operators"
    label = "operators"
    verbose_name = "Umrah companies and overseas agents"
