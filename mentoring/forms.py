"""How every form field renders: label, input, errors, then help (Pico CSS's order)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    field_template_name = "_partials/field.html"
