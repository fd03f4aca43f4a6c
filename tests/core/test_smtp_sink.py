from django.core.mail import send_mail


def test_mail_goes_through_the_real_smtp_sink(mailbox):
    send_mail("Hello", "Open https://console.test/x?token=abc now", "noreply@lakesail.test", ["Dana@example.test"])
    message = mailbox.last_to("dana@example.test")
    assert message["Subject"] == "Hello"
    assert mailbox.first_link("dana@example.test") == "https://console.test/x?token=abc"
