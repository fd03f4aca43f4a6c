from django.urls import path

from apps.notifications.api.views import channels, event_types, notifications, rules

urlpatterns = [
    path("notifications/event-types", event_types.EventTypesView.as_view()),
    path("notifications/channels", channels.ChannelsView.as_view()),
    path("notifications/channels/<str:channel>", channels.ChannelView.as_view()),
    path("notifications/channels/<str:channel>/test", channels.ChannelTestView.as_view()),
    path("notifications/rules", rules.RulesView.as_view()),
    path("notifications/rules/<str:rule>", rules.RuleView.as_view()),
    path("notifications", notifications.NotificationsView.as_view()),
    path("notifications/<str:notification>/redeliver", notifications.RedeliverView.as_view()),  # designed
]
