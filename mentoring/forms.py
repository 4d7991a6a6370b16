"""How every form field renders: label, input, errors, then help (Pico CSS's order).

Every form's fields are QuickBoundFields (mentoring/quickforms.py): their field group and label
are written in Python, as templates/_partials/field.html and Django's label template write
them, byte for byte. A form that names another field template renders through it as before.
"""

from django.forms.renderers import TemplatesSetting

from mentoring.quickforms import FIELD_TEMPLATE, QuickBoundField


class FormRenderer(TemplatesSetting):
    field_template_name = FIELD_TEMPLATE
    bound_field_class = QuickBoundField
