"""A few messages from the contact form: new, answered and closed."""

from datetime import timedelta

from django.utils import timezone

from greenit.enquiries import services as enquiry_services
from greenit.enquiries.models import Enquiry

MESSAGES = [
    # topic, name, e-mail, organisation, language, message, status
    (
        "volunteer",
        "周婷",
        "zhou.ting@example.com",
        "浦江银行",
        "zh-hans",
        "我们公司有二十名员工想参加下个月的教室开班活动，请问如何报名？",
        "new",
    ),
    (
        "donate",
        "Mark Evans",
        "mark.evans@example.com",
        "Evans & Partners",
        "en",
        "We are replacing 60 laptops in March. Do you collect from Pudong?",
        "answered",
    ),
    (
        "press",
        "李记者",
        "li.reporter@example.com",
        "新民晚报",
        "zh-hans",
        "想采访江西的绿色 IT 教室项目。",
        "new",
    ),
    ("other", "Spam Bot", "bot@example.net", "", "en", "Cheap watches!!!", "closed"),
]


def enquiries(people) -> None:
    pm = people["chen.pm"]
    now = timezone.now()
    for n, (topic, name, email, org, language, message, status) in enumerate(MESSAGES):
        enquiry = enquiry_services.enquiry_receive(
            topic=topic,
            name=name,
            email=email,
            organisation_name=org,
            language=language,
            message=message,
        )
        # Received over the last week, not all at the moment the demo is loaded.
        Enquiry.objects.filter(pk=enquiry.pk).update(
            created_at=now - timedelta(days=6 - n, hours=n)
        )
        if status == "answered":
            enquiry_services.enquiry_reply(
                enquiry=enquiry,
                actor=pm,
                body="Yes, we collect anywhere in Shanghai. Li from logistics will call you.",
            )
        elif status == "closed":
            enquiry_services.enquiry_close(enquiry=enquiry, actor=pm, reason="Spam")
