"""The staff-account forms of the admin: they collect and check input only; saving goes through
``committee.accounts``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordMixin, UsernameField
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from committee import accounts
from committee.models import Resident
from core import roles
from core.admin_scope import scope_queryset
from core.errors import RuleViolation
from core.idnumbers import normalize_id
from core.models import Community, StaffProfile, StreetOffice, User
from core.scoping import communities_for_user

ROLE_HELP = _(
    "主任：本社区全部工作，含管理工作人员账号和节假日安排；委员：录入、修改和发布，不能删除；"
    "专管员：居民登记和帮扶、居务记录；居民组长：户、居民、楼栋和楼栋长；"
    "监督委员：只查看并提出异议（不能与其他角色兼任）。"
)


class ResidentByIdField(forms.CharField):
    """A resident of the actor's communities, entered by ID number (the clerk knows it; a list of
    thousands of residents would not help)."""

    queryset = Resident.objects.none()

    def prepare_value(self, value):
        if isinstance(value, Resident):
            return value.id_number
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        resident = self.queryset.filter(id_number=normalize_id(value)).first()
        if resident is None:
            raise forms.ValidationError(_("您负责的社区中没有登记该身份证号的居民。"))
        return resident


class StaffAccountForm(forms.ModelForm):
    """An account with its roles and staff profile. Saved by ``committee.accounts``, never by save()."""

    #: The signed-in user and the fields the page shows; set on a per-request subclass by
    #: ``UserAdmin.get_form`` (declared fields would otherwise be in every form, shown or not).
    actor: User | None = None
    shown: set[str] | None = None

    role_names = forms.MultipleChoiceField(
        label=_("角色"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=ROLE_HELP,
        error_messages={"invalid_choice": _("您不能授予“%(value)s”角色。")},
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("所属社区"),
        queryset=Community.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("该账号能查看和办理哪些社区的事务。"),
        error_messages={"invalid_choice": _("所选社区不存在，或不属于您负责的社区。")},
    )
    street_office = forms.ModelChoiceField(
        label=_("街道办事处"),
        queryset=StreetOffice.objects.all(),
        required=False,
        help_text=_("街道工作人员填写：可查看该街道下所有社区"),
    )
    title = forms.CharField(label=_("职务说明"), max_length=50, required=False)
    resident = ResidentByIdField(
        label=_("本人身份证号"),
        required=False,
        help_text=_("该工作人员本人在本社区登记的身份证号（用于回避近亲属的事项）；不是本社区居民可留空"),
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email", "is_active", "is_superuser"]
        field_classes = {"username": UsernameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.shown is not None:
            for name in [n for n in self.fields if n not in self.shown]:
                del self.fields[name]
        actor = self.actor
        user = self.instance if self.instance.pk else None
        held = roles.user_roles(user) if user else set()
        offered = roles.grantable_roles(actor) | held if actor is not None else set(roles.ALL_ROLES)
        if "role_names" in self.fields:
            self.fields["role_names"].choices = [(r, r) for r in roles.ALL_ROLES if r in offered]
        if actor is not None and "communities" in self.fields:
            self.fields["communities"].queryset = communities_for_user(actor).order_by("name")
        if actor is not None and "resident" in self.fields:
            self.fields["resident"].queryset = scope_queryset(Resident.objects.all(), actor)
        if user is not None:
            profile = StaffProfile.objects.filter(user=user).first()
            self.initial.setdefault("role_names", sorted(held))
            if profile is not None:
                self.initial.setdefault("communities", list(profile.communities.all()))
                self.initial.setdefault("street_office", profile.street_office_id)
                self.initial.setdefault("title", profile.title)
                self.initial.setdefault("resident", accounts.own_resident(user))
            if actor is not None and actor.pk == user.pk and not actor.is_superuser:
                # Another chair or a superuser changes these (committee.accounts).
                for name in ("role_names", "communities", "is_active"):
                    if name in self.fields:
                        self.fields[name].disabled = True
                        self.fields[name].help_text = _("不能修改自己的角色、所属社区或停用自己的账号。")
        elif actor is not None and "communities" in self.fields:
            own = list(self.fields["communities"].queryset[:2])
            if len(own) == 1:
                self.initial.setdefault("communities", own)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        user = self.instance if self.instance.pk else None
        try:
            accounts.check_account(
                actor=self.actor,
                user=user,
                role_names=data.get("role_names", []),
                communities=data.get("communities", []),
                street_office=data.get("street_office"),
                is_superuser=data.get("is_superuser", user.is_superuser if user else False),
                is_active=data.get("is_active", user.is_active if user else True),
            )
        except RuleViolation as e:
            if hasattr(e, "error_dict"):
                for field, errors in e.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, e)
        except PermissionDenied as e:
            self.add_error(None, str(e))
        return data


class StaffAccountAddForm(SetPasswordMixin, StaffAccountForm):
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("密码"), label2=_("确认密码"))

    def clean(self):
        self.validate_passwords()
        return super().clean()

    def _post_clean(self):
        super()._post_clean()
        self.validate_password_for_user(self.instance)


class StaffPasswordForm(SetPasswordMixin, forms.Form):
    password1, password2 = SetPasswordMixin.create_password_fields(label1=_("新密码"), label2=_("确认新密码"))

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()
