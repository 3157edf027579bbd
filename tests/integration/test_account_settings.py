"""Account settings through their typed command, and the verbs that declare who may call them."""

from __future__ import annotations

import importlib
import inspect
from datetime import timedelta

import pytest

from heed.bootstrap import Heed
from heed.domain.errors import Forbidden, Invalid
from heed.entrypoints.api.schemas import AccountUpdate, MessageCreate
from heed.services import accounts, messages
from heed.services import staff as logins
from heed.services.accounts import UNSET, AccountChanges, Window
from heed.services.common import Principal, now
from heed.services.permissions import DECLARED

SLICE = (
    "heed.services.accounts",
    "heed.services.api_keys",
    "heed.services.staff",
    "heed.services.messages",
    "heed.services.outbox",
)


@pytest.mark.parametrize("module_name", SLICE)
def test_every_public_verb_that_takes_a_principal_declares_its_permission(
    module_name: str,
) -> None:
    module = importlib.import_module(module_name)
    undeclared = [
        name
        for name, verb in vars(module).items()
        if inspect.isfunction(verb)
        and not name.startswith("_")
        and verb.__module__ == module_name
        and "principal" in inspect.signature(verb).parameters
        and f"{module_name}.{verb.__qualname__}" not in DECLARED
    ]
    assert undeclared == []


def test_a_setting_left_out_stays_as_it_is(heed: Heed, staff: Principal) -> None:
    before = accounts.get_account_settings(heed.uow, staff)
    after = accounts.update_account(heed.uow, staff, AccountChanges(help_text="Call us."))
    assert after == {**before, "help_text": "Call us.", "reply_texts": {"en": {"help": "Call us."}}}


def test_help_text_given_as_none_clears_it(heed: Heed, staff: Principal) -> None:
    accounts.update_account(heed.uow, staff, AccountChanges(help_text="Call us."))
    cleared = accounts.update_account(heed.uow, staff, AccountChanges(help_text=None))
    assert cleared["help_text"] is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (AccountChanges(name=None), "name", "name must not be empty."),
        (AccountChanges(name="  "), "name", "name must not be empty."),
        (
            AccountChanges(sms_opt_out_scope=None),
            "sms_opt_out_scope",
            "sms_opt_out_scope must be 'account' or 'number'.",
        ),
        (
            AccountChanges(sending_window=None),
            "sending_window",
            'sending_window must look like {"start": "08:00", "end": "21:00"}.',
        ),
        (
            AccountChanges(sending_window=Window("8am", "21:00")),
            "sending_window.start",
            "sending_window.start must be a time like 08:00.",
        ),
        (
            AccountChanges(sending_window=Window("21:00", "08:00")),
            "sending_window",
            "sending_window.start must be before sending_window.end.",
        ),
        (
            AccountChanges(placeholders=None),
            "placeholders",
            "placeholders must be a list of strings.",
        ),
        (
            AccountChanges(business_numbers=None),
            "business_numbers",
            "business_numbers must be a list of phone numbers.",
        ),
    ],
)
def test_a_setting_that_breaks_a_rule_is_refused_naming_its_field(
    heed: Heed, staff: Principal, changes: AccountChanges, field: str, message: str
) -> None:
    before = accounts.get_account_settings(heed.uow, staff)
    with pytest.raises(Invalid) as refused:
        accounts.update_account(heed.uow, staff, changes)
    assert (refused.value.message, refused.value.details["field"]) == (message, field)
    assert accounts.get_account_settings(heed.uow, staff) == before


def test_nothing_is_written_when_a_later_setting_is_refused(heed: Heed, staff: Principal) -> None:
    before = accounts.get_account_settings(heed.uow, staff)
    with pytest.raises(Invalid):
        accounts.update_account(
            heed.uow, staff, AccountChanges(help_text="Call us.", business_numbers=["not a number"])
        )
    assert accounts.get_account_settings(heed.uow, staff) == before


def test_a_caller_without_settings_manage_may_not_change_settings_from_any_face(
    heed: Heed, staff: Principal
) -> None:
    viewer = Principal(staff.account_id, "api_key:viewer", frozenset({"settings:view"}))
    with pytest.raises(Forbidden) as refused:
        accounts.update_account(heed.uow, viewer, AccountChanges(help_text="Call us."))
    assert refused.value.details == {"permission": "settings:manage"}
    assert accounts.get_account_settings(heed.uow, viewer)["id"] == staff.account_id
    with pytest.raises(Forbidden) as page:
        accounts.settings_to_edit(heed.uow, viewer)
    assert page.value.details == {"permission": "settings:manage"}


def test_reading_settings_needs_settings_view_or_settings_manage(
    heed: Heed, staff: Principal
) -> None:
    manager = Principal(staff.account_id, "api_key:m", frozenset({"settings:manage"}))
    nobody = Principal(staff.account_id, "api_key:n", frozenset({"customer:view"}))
    assert accounts.get_account_settings(heed.uow, manager)["id"] == staff.account_id
    with pytest.raises(Forbidden) as refused:
        accounts.get_account_settings(heed.uow, nobody)
    assert refused.value.details == {"permission": "settings:view"}


def test_the_api_body_becomes_the_command_with_only_the_fields_it_gave() -> None:
    body = AccountUpdate.model_validate(
        {"help_text": None, "sending_window": {"start": "09:00", "end": "17:00"}}
    )
    changes = body.command()
    assert changes == AccountChanges(help_text=None, sending_window=Window("09:00", "17:00"))
    assert changes.name is UNSET


def test_a_message_from_the_api_is_about_a_job_unless_it_names_a_category() -> None:
    left_out = MessageCreate.model_validate({"channel": "sms", "to": "+15125550123", "body": "Hi"})
    assert left_out.command() == messages.SendMessage("sms", "Hi", to="+15125550123")
    given_null = MessageCreate.model_validate(
        {"channel": "sms", "to": "+15125550123", "body": "Hi", "category": None, "from": None}
    )
    assert given_null.command().category is None


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (messages.SendMessage("sms", "Hi", to="+15125550123", category=None), "category"),
        (messages.SendMessage("sms", "   ", to="+15125550123"), "body"),
    ],
)
def test_a_message_that_breaks_a_rule_is_refused_naming_its_field_after_the_permission_check(
    heed: Heed, staff: Principal, command: messages.SendMessage, field: str
) -> None:
    cannot_send = Principal(staff.account_id, "api_key:v", frozenset({"customer:view"}))
    with pytest.raises(Forbidden):
        messages.send_message(heed.uow, cannot_send, command)
    with pytest.raises(Invalid) as refused:
        messages.send_message(heed.uow, staff, command)
    assert refused.value.details["field"] == field


def test_a_live_session_names_its_member_and_business_in_one_read(
    heed: Heed, staff: Principal
) -> None:
    email = f"pat-{staff.account_id[-6:]}@acme.example"
    accounts.create_user(heed.uow, staff.account_id, email, "longenough", "viewer")
    moment = now()
    token = logins.sign_in(heed.uow, email, "longenough", moment).token
    member = logins.signed_in(heed.uow, token, moment)
    assert member is not None
    assert (member.email, member.role, member.account_name) == (email, "viewer", "Acme Plumbing")
    assert member.principal.account_id == staff.account_id
    assert member.principal.permissions == frozenset({"customer:view", "location:view"})
    assert logins.signed_in(heed.uow, token, moment + logins.SESSION_LIFETIME) is None
    logins.end_session(heed.uow, token)
    assert logins.signed_in(heed.uow, token, moment + timedelta(seconds=1)) is None
