"""A count a person reads agrees with its noun: "1 device allocated", "2 devices allocated".

Every catalogue entry that puts a number before a plural noun must be a plural entry
(`ngettext`, `{% blocktranslate count %}`): with `_()` the page says "1 devices allocated" (and
Chinese, which has one form, does not show the mistake). The entries left singular are those
whose number is never 1 (a limit set in code, or a total beside its part), listed here."""

import re

from .test_translations import read_po

NOUNS = (
    "devices|media|passes|errors|records|notes|seats|hours|loads|rows|items|boxes|tickets|"
    "photos|labels|places|days|lines|shifts|columns|characters|volunteers|students|donations|"
    "offers|pickups|enquiries|reports|certificates|tags|problems|schools|classrooms|parts|"
    "computers|people|years|weeks|months|batches|samples"
)
COUNTED = re.compile(rf"%\(\w+\)s (?:\w+ ){{0,2}}?(?:{NOUNS})\b")

# Never 1: limits in code, totals of a part ("2 of 30 seats"), plural by nature.
NEVER_ONE = {
    "This sheet has %(n)s labels: give a position from 1 to %(n)s.",
    "Send at most %(n)s photos.",
    "Devices allocated: %(n)s of %(seats)s seats",
    "Device %(tag)s has %(n)s media: give the serial of the one wiped.",
    "%(field)s is longer than %(n)s characters.",
    "Shorten it to at most %(n)s characters.",
    "Serial number %(serial)s appears on lines %(first)s and %(line)s.",
    "Asset number %(number)s appears on lines %(first)s and %(line)s.",
    "Line 1 names %(n)s columns; we read at most %(max)s. Delete the empty ones.",
    "%(done)s of %(total)s labels laid out",
    "%(done)s of %(total)s rows checked",
    "Your employees volunteered %(h)s hours.",  # hours with decimals: "1.5 hours"
    "Its employees volunteered %(h)s hours.",  # the same, in the sponsor's report
    "%(n)s devices are ticked; tick at most %(max)s at once.",  # n > max (200)
    "The “%(column)s” column is longer than %(n)s characters.",  # n is the 500 limit
    "Asset tag %(tag)s appears on lines %(first)s and %(line)s.",  # two line numbers
    "Each list shows its first %(limit)s devices.",
    "%(n)s of %(total)s media (%(p)s %%) read back by a person other than the wiper: passed.",
    "Sample of %(n)s of %(total)s media (%(p)s %%), drawn %(when)s",
    "%(taken)s of %(capacity)s places taken",
    "%(n)s of %(places)s places filled.",
    "All %(n)s places of this team are filled: ask your coordinator.",
}


def test_every_count_before_a_plural_noun_has_its_singular():
    singular_only = [
        entry
        for entry in read_po()
        if entry.msgid_plural is None
        and COUNTED.search(entry.msgid.replace("{{ ", "%(").replace(" }}", ")s"))
        and entry.msgid not in NEVER_ONE
    ]
    assert not singular_only, (
        "These counts read wrong for 1 (“1 devices”): use ngettext or {% blocktranslate count %}"
        f" (or, if the number is never 1, add the entry to NEVER_ONE): {singular_only}"
    )
