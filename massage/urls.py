from django.urls import path

from massage import converters, views  # noqa: F401 (converters registers <id:...> and <token:...>)

app_name = "massage"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("display/theme/", views.theme_set, name="theme-set"),
    path("display/language/", views.language_set, name="language-set"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.account_delete, name="account-delete"),
    path("families/new/", views.family_create, name="family-create"),
    path("families/<id:family_id>/", views.family_detail, name="family-detail"),
    path("families/<id:family_id>/edit/", views.family_update, name="family-update"),
    path("families/<id:family_id>/delete/", views.family_delete, name="family-delete"),
    path("families/<id:family_id>/leave/", views.family_leave, name="family-leave"),
    path("families/<id:family_id>/babies/new/", views.baby_create, name="baby-create"),
    path("babies/<id:baby_id>/edit/", views.baby_update, name="baby-update"),
    path("babies/<id:baby_id>/delete/", views.baby_delete, name="baby-delete"),
    path(
        "families/<id:family_id>/invitations/new/",
        views.invitation_create,
        name="invitation-create",
    ),
    path(
        "families/<id:family_id>/invitations/<id:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path(
        "families/<id:family_id>/members/<id:member_id>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("invitations/<token:token>/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<token:token>/decline/", views.invitation_decline, name="invitation-decline"),
    # The routine library
    path("routines/", views.routine_list, name="routine-list"),
    path("routines/<slug:slug>/", views.routine_detail, name="routine-detail"),
    path("routines/<slug:slug>/print/", views.routine_print, name="routine-print"),
    path("routines/<slug:slug>/duplicate/", views.routine_duplicate, name="routine-duplicate"),
    # Instructors' studio
    path("teaching/profile/", views.instructor_profile, name="instructor-profile"),
    path("teaching/invitations/", views.teaching_invitations, name="teaching-invitations"),
    path(
        "teaching/invitations/<id:invitation_id>/resend/",
        views.teaching_invitation_resend,
        name="teaching-invitation-resend",
    ),
    path(
        "teaching/invitations/<id:invitation_id>/revoke/",
        views.teaching_invitation_revoke,
        name="teaching-invitation-revoke",
    ),
    path("teaching/classes/", views.teaching_classes, name="teaching-classes"),
    path("teaching/classes/<id:class_id>/", views.teaching_class, name="teaching-class"),
    path(
        "teaching/classes/<id:class_id>/archive/",
        views.teaching_class_archive,
        name="teaching-class-archive",
    ),
    path("teaching/assignments/", views.teaching_assignments, name="teaching-assignments"),
    path("teaching/families/<id:family_id>/adapt/", views.routine_adapt, name="routine-adapt"),
    path(
        "families/<id:family_id>/assignments/<id:assignment_id>/hide/",
        views.assignment_hide,
        name="assignment-hide",
    ),
    path("classes/join/<token:token>/", views.class_join, name="class-join"),
    # A class's code: any family can ask to join; the instructor approves.
    path("classes/code/", views.class_code_find, name="class-code-find"),
    path("classes/code/<token:code>/", views.class_code, name="class-code"),
    path(
        "teaching/classes/<id:class_id>/code/",
        views.teaching_class_code,
        name="teaching-class-code",
    ),
    path(
        "teaching/classes/<id:class_id>/requests/<id:request_id>/approve/",
        views.join_request_approve,
        name="join-request-approve",
    ),
    path(
        "teaching/classes/<id:class_id>/requests/<id:request_id>/decline/",
        views.join_request_decline,
        name="join-request-decline",
    ),
    path(
        "families/<id:family_id>/join-requests/<id:request_id>/withdraw/",
        views.join_request_withdraw,
        name="join-request-withdraw",
    ),
    path(
        "families/<id:family_id>/instructors/<id:link_id>/consent/",
        views.consent_change,
        name="consent-change",
    ),
    path("studio/", views.studio, name="studio"),
    path("studio/routines/new/", views.routine_create, name="routine-create"),
    path("studio/routines/<id:routine_id>/", views.routine_edit, name="routine-edit"),
    path("studio/routines/<id:routine_id>/details/", views.routine_update, name="routine-update"),
    path("studio/routines/<id:routine_id>/preview/", views.routine_preview, name="routine-preview"),
    path("studio/routines/<id:routine_id>/publish/", views.routine_publish, name="routine-publish"),
    path("studio/routines/<id:routine_id>/delete/", views.routine_delete, name="routine-delete"),
    path("studio/routines/<id:routine_id>/steps/new/", views.step_create, name="step-create"),
    path("studio/steps/<id:step_id>/", views.step_update, name="step-update"),
    path("studio/steps/<id:step_id>/delete/", views.step_delete, name="step-delete"),
    path("studio/steps/<id:step_id>/move/", views.step_move, name="step-move"),
]
