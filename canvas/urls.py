"""URLs of the site (see ARCHITECTURE.md §9: these paths are a contract)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import chat_views, history_views, views
from .evals import views as eval_views

urlpatterns = [
    path("", views.canvas_list, name="canvas_list"),
    path("favicon.ico", views.favicon),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("canvases/new", views.canvas_create, name="canvas_create"),
    path("canvases/join/<str:token>/", views.canvas_join, name="canvas_join"),
    path("canvases/<uuid:canvas_id>/", views.canvas_page, name="canvas_page"),
    path("canvases/<uuid:canvas_id>/rename", views.canvas_rename, name="canvas_rename"),
    path("canvases/<uuid:canvas_id>/delete", views.canvas_delete, name="canvas_delete"),
    path("canvases/<uuid:canvas_id>/share", views.share_dialog, name="share_dialog"),
    path("canvases/<uuid:canvas_id>/share/link", views.share_link, name="share_link"),
    path("canvases/<uuid:canvas_id>/invites/<int:invite_id>/revoke", views.invite_revoke,
         name="invite_revoke"),
    path("canvases/<uuid:canvas_id>/members/add", views.member_add, name="member_add"),
    path("canvases/<uuid:canvas_id>/publish-setting", views.publish_setting,
         name="publish_setting"),
    path("canvases/<uuid:canvas_id>/assistant-policy", views.assistant_policy,
         name="assistant_policy"),
    path("canvases/<uuid:canvas_id>/members/<int:user_id>", views.member_update,
         name="member_update"),
    path("canvases/<uuid:canvas_id>/messages", chat_views.post_message, name="chat_post"),
    path("canvases/<uuid:canvas_id>/messages/<int:message_id>/stop", chat_views.stop_turn,
         name="turn_stop"),
    path("canvases/<uuid:canvas_id>/messages/<int:message_id>/undo", chat_views.undo_turn_view,
         name="turn_undo"),
    path("canvases/<uuid:canvas_id>/messages/<int:message_id>/queue/edit",
         chat_views.queue_edit, name="queue_edit"),
    path("canvases/<uuid:canvas_id>/messages/<int:message_id>/queue/move",
         chat_views.queue_move, name="queue_move"),
    path("canvases/<uuid:canvas_id>/history/", history_views.history, name="history"),
    path("canvases/<uuid:canvas_id>/history/save", history_views.version_save,
         name="version_save"),
    path("canvases/<uuid:canvas_id>/history/last-turn", history_views.last_turn,
         name="last_turn"),
    path("canvases/<uuid:canvas_id>/authors", history_views.authors, name="authors"),
    path("canvases/<uuid:canvas_id>/history/<int:version_id>/", history_views.version_view,
         name="version_view"),
    path("canvases/<uuid:canvas_id>/history/<int:version_id>/changes",
         history_views.version_changes, name="version_changes"),
    path("canvases/<uuid:canvas_id>/history/<int:version_id>/restore",
         history_views.version_restore, name="version_restore"),
    path("preview/", include("canvas.preview.urls")),
    path("", include("canvas.publish.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("evals/", eval_views.reports, name="eval_reports"),
    path("admin/", admin.site.urls),
]
