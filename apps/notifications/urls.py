from django.urls import path

from apps.notifications.views import channels, log, rules

urlpatterns = [
    path("notifications/", channels.channels_page, name="notifications"),
    path("notifications/channels/new/<str:channel_type>", channels.channel_new, name="notifications-channel-new"),
    path("notifications/channels/<str:channel_id>/", channels.channel_detail, name="notifications-channel"),
    path("notifications/channels/<str:channel_id>/edit", channels.channel_edit, name="notifications-channel-edit"),
    path(
        "notifications/channels/<str:channel_id>/status", channels.channel_status, name="notifications-channel-status"
    ),
    path("notifications/channels/<str:channel_id>/test", channels.channel_test, name="notifications-channel-test"),
    path(
        "notifications/channels/<str:channel_id>/delete", channels.channel_delete, name="notifications-channel-delete"
    ),
    path("notifications/rules/", rules.rules_page, name="notifications-rules"),
    path("notifications/rules/new", rules.rule_new, name="notifications-rule-new"),
    path("notifications/rules/<str:rule_id>/", rules.rule_detail, name="notifications-rule"),
    path("notifications/rules/<str:rule_id>/mute", rules.rule_mute, name="notifications-rule-mute"),
    path("notifications/rules/<str:rule_id>/delete", rules.rule_delete, name="notifications-rule-delete"),
    path("notifications/log/", log.log_page, name="notifications-log"),
    path("notifications/log/<str:notification_id>/redeliver", log.redeliver, name="notifications-redeliver"),
    path("notifications/mine/", log.mine_page, name="notifications-mine"),
]
