"""bench/scale.py signs guests up through the real form; when the form gained a required
consent, every one of the bench's sign-ups became a 400 and its rounds measured a different
load. The bench's payload is held to the form here."""

import importlib.util
from pathlib import Path

import pytest

from greenit.volunteers.forms import SignUpForm

BENCH = Path(__file__).resolve().parents[3] / "bench" / "scale.py"


@pytest.mark.django_db
def test_the_scale_benchmarks_sign_up_is_one_the_form_accepts():
    spec = importlib.util.spec_from_file_location("bench_scale", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    data = {**bench.SIGNUP, "name": "Volunteer 1", "email": "volunteer-1@example.org"}

    form = SignUpForm(data, guest=True)

    assert form.is_valid(), form.errors
