from django.apps import AppConfig


class ClassroomsConfig(AppConfig):
    name = "greenit.classrooms"
    verbose_name = "Green IT Classrooms"
