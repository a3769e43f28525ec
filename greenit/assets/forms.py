from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from greenit.accounts import permissions
from greenit.core import categories, tags
from greenit.core.forms import QuickSelect
from greenit.donations.models import Donation

from . import lifecycle
from .models import Asset, State

# A bulk action takes the ticked rows of one page of the list, never more than this.
BULK_MAX = 200


# The make and model fields suggest the catalogue's names (assets/datalists.html); any other
# text is taken too, and stored as the catalogue names it.
MAKE_LIST = {"list": "known-makes", "autocomplete": "off"}
MODEL_LIST = {"list": "known-models", "autocomplete": "off"}


class IntakeForm(forms.Form):
    donation = forms.ModelChoiceField(
        label=_("Donation"),
        queryset=Donation.objects.may_receive_devices().select_related("donor_organisation"),
        help_text=_("Accepted and collected donations. Accept an offer first: the donor is told."),
        error_messages={
            "invalid_choice": _(
                "Choose an accepted or collected donation: an open offer is accepted first, "
                "a declined or closed one takes no devices."
            )
        },
    )
    category = forms.ChoiceField(label=_("Category"), choices=categories.choices)
    make = forms.CharField(
        label=_("Make"), max_length=100, required=False, widget=forms.TextInput(MAKE_LIST)
    )
    model = forms.CharField(
        label=_("Model"), max_length=100, required=False, widget=forms.TextInput(MODEL_LIST)
    )
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=100,
        required=False,
        help_text=_("Scan or type, then press Enter. Leave empty for a device without one."),
        # The scanner types into the field that has the cursor: it has it when the page opens.
        widget=forms.TextInput(attrs={"autofocus": True}),
    )

    def clean_category(self):
        code = self.cleaned_data["category"]
        categories.validate_accepted(code)
        return code


class AssetEditForm(forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["category", "make", "model", "serial", "specs", "weight_kg", "condition"]
        widgets = {
            "specs": forms.Textarea(attrs={"rows": 3}),
            "make": forms.TextInput(MAKE_LIST),
            "model": forms.TextInput(MODEL_LIST),
        }


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("Move to"), choices=State.choices)
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AssetFilterForm(forms.Form):
    q = forms.CharField(label=_("Tag or serial"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state")), *State.choices],
        widget=QuickSelect,
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category"))], widget=QuickSelect
    )
    donation = forms.IntegerField(
        label=_("Donation number"), required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category")), *categories.choices()]


@dataclass(frozen=True)
class LabelLayout:
    """Where labels sit on a page, in millimetres (from the sheet makers' templates). A thermal
    printer's roll is a page per label: one column, one row, the page the label's size."""

    columns: int
    rows: int
    width: float
    height: float
    top: float = 0.0
    left: float = 0.0
    gap: float = 0.0
    page_width: float = 210.0  # A4 unless a roll
    page_height: float = 297.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_roll(self) -> bool:
        return self.per_page == 1


LABEL_LAYOUTS = {
    "l7160": LabelLayout(3, 7, 63.5, 38.1, 15.15, 7.2, 2.5),
    "l7163": LabelLayout(2, 7, 99.1, 38.1, 15.15, 4.65, 2.5),
    "l7651": LabelLayout(5, 13, 38.1, 21.2, 10.7, 4.75, 2.5),
    "a4-24": LabelLayout(3, 8, 70.0, 37.0, 0.5, 0.0, 0.0),
    # Thermal label printers (Brother QL, Zebra, Dymo): one label per page of the roll.
    "roll-62x29": LabelLayout(1, 1, 62.0, 29.0, page_width=62.0, page_height=29.0),
    "roll-50x25": LabelLayout(1, 1, 50.0, 25.0, page_width=50.0, page_height=25.0),
}


class LabelForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Label sheet"),
        choices=[
            ("l7160", _("21 per A4 sheet, 63.5 × 38.1 mm (Avery L7160 and compatibles)")),
            ("l7163", _("14 per A4 sheet, 99.1 × 38.1 mm (Avery L7163 and compatibles)")),
            ("l7651", _("65 per A4 sheet, 38.1 × 21.2 mm (Avery L7651 and compatibles)")),
            ("a4-24", _("24 per A4 sheet, 70 × 37 mm (common A4 3 × 8 sheets)")),
            (
                "roll-62x29",
                _("Thermal printer roll, 62 mm wide, 29 mm per label (Brother DK-22205 and like)"),
            ),
            ("roll-50x25", _("Thermal printer roll, 50 × 25 mm labels (Zebra, Dymo and like)")),
        ],
        initial="l7160",
    )
    start = forms.IntegerField(
        label=_("Start at label"),
        required=False,
        min_value=1,
        initial=1,
        help_text=_(
            "On a part-used sheet: the first free position, counted along the rows from the "
            "top left (1 for a new sheet)."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        layout = LABEL_LAYOUTS.get(data.get("layout") or "")
        start = data.get("start") or 1
        if layout and start > layout.per_page:
            self.add_error(
                "start",
                _("This sheet has %(n)s labels: give a position from 1 to %(n)s.")
                % {"n": layout.per_page},
            )
        data["start"] = 1 if layout and layout.is_roll else start
        return data


class TagsField(forms.MultipleChoiceField):
    """The ticked devices' tags: any well-formed tag (which ones the user may see is the
    view's question)."""

    def valid_value(self, value: str) -> bool:
        return tags.is_valid(value)


LABELS = "labels"
MOVE = "to:"


class BulkForm(forms.Form):
    """An action on the devices ticked in the list: print their labels, or move them through
    the lifecycle to a state this user's role may move devices to."""

    tag = TagsField(
        label=_("Devices"),
        error_messages={
            "required": _("Tick the box of at least one device in the list."),
            "invalid_choice": _("“%(value)s” is not an asset tag: reload the list and tick again."),
        },
    )
    action = forms.ChoiceField(
        label=_("Action"),
        widget=QuickSelect,
        error_messages={"required": _("Choose what to do with the ticked devices.")},
    )
    layout = forms.ChoiceField(
        label=_("Label sheet (for printing labels)"),
        choices=LabelForm.base_fields["layout"].choices,
        required=False,
        widget=QuickSelect,
    )
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=500,
        help_text=_("For a move: kept in each device's chain of custody."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("Choose an action")),
            (LABELS, _("Print their asset-tag labels")),
            *(
                (f"{MOVE}{state}", _("Move them to “%(state)s”") % {"state": state.label})
                for state in move_targets(user)
            ),
        ]

    def clean_tag(self) -> list[str]:
        chosen = [tags.normalise(tag) for tag in self.cleaned_data["tag"]]
        if len(chosen) > BULK_MAX:
            raise forms.ValidationError(
                _("%(n)s devices are ticked; tick at most %(max)s at once.")
                % {"n": len(chosen), "max": BULK_MAX}
            )
        return chosen

    def clean_layout(self) -> str:
        return self.cleaned_data["layout"] or LabelForm.base_fields["layout"].initial

    @property
    def target(self) -> str | None:
        """The state to move to, or None for printing labels."""
        action = self.cleaned_data["action"]
        return action.removeprefix(MOVE) if action.startswith(MOVE) else None


def move_targets(user) -> list[State]:
    """The states this user's role may move some device to, in the lifecycle's order."""
    allowed = {t.target for t in lifecycle.TRANSITIONS if permissions.may(user, t.action)}
    return [state for state in State if state in allowed]
