from django.urls import path

from . import app, views

urlpatterns = [
    path("p/<str:token>/", views.page, name="published_page"),
    path("p/<str:token>/content", views.content, name="published_content"),
    path("p/<str:token>/frame", app.app_frame, name="published_frame"),
    path("canvases/<uuid:canvas_id>/publication", views.controls, name="publication"),
    path("canvases/<uuid:canvas_id>/publish", views.publish, name="publish"),
    path("canvases/<uuid:canvas_id>/unpublish", views.unpublish, name="unpublish"),
]
