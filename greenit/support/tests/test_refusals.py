"""Who may use support, file a ticket or swap: the services' checks the pages and the API share."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from greenit.support import services


def test_support_is_for_school_contacts(sam, stella, alice):
    services.support_require_school(sam)
    for person in (stella, alice):
        with pytest.raises(PermissionDenied, match="Support is for schools"):
            services.support_require_school(person)


def test_only_a_schools_contact_files_tickets(sam, stella, alice):
    services.ticket_file_require(sam)
    for person in (stella, alice):
        with pytest.raises(PermissionDenied, match="Only a school's contact files"):
            services.ticket_file_require(person)


def test_a_swap_the_roles_do_not_allow_is_a_refusal_for_the_form(alice):
    with pytest.raises(ValidationError, match="Allocate"):
        services.ticket_swap_check(actor=alice, resolution="swap")


def test_advice_and_repair_need_no_swap_roles(alice, ada):
    services.ticket_swap_check(actor=alice, resolution="advice")
    services.ticket_swap_check(actor=alice, resolution="repair")
    services.ticket_swap_check(actor=ada, resolution="swap")
