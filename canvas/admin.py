from django.contrib import admin

from collab.models import DocUpdate

from .models import Canvas, Membership, Message, Version


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Canvas)
class CanvasAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "owner", "updated"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "owner__username"]
    readonly_fields = ["id", "created", "updated", "state_seq"]
    exclude = ["state"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["canvas", "user", "role", "created"]
    list_filter = ["role"]
    raw_id_fields = ["canvas", "user"]


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["canvas", "reason", "label", "author", "created"]
    list_filter = ["reason"]
    raw_id_fields = ["canvas", "author", "turn"]
    exclude = ["state"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["canvas", "author", "is_assistant", "action", "status", "created"]
    list_filter = ["is_assistant", "action", "status"]
    raw_id_fields = ["canvas", "author", "reply_to"]


@admin.register(DocUpdate)
class DocUpdateAdmin(admin.ModelAdmin):
    list_display = ["seq", "canvas", "origin", "created"]
    raw_id_fields = ["canvas"]
    exclude = ["data"]
