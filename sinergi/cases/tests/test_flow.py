import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergi.cases.flow import DEFAULT_FLOW_FILE, FlowError, parse_flow
from sinergi.cases.models import FlowVersion

DEFAULT = DEFAULT_FLOW_FILE.read_text()


@pytest.fixture(autouse=True)
def _english():
    # The messages are asserted in English; the Indonesian catalogue is checked by the i18n tests.
    from django.utils import translation

    with translation.override("en"):
        yield


def test_default_flow_is_valid_and_carries_the_legal_deadlines():
    flow = parse_flow(DEFAULT, source="tppo-default.yaml")
    assert flow.initial().code == "reported"
    assert flow.initial("legal").code == "police_report"
    assert flow.needs["URGENT_FIRST_AID"].deadline.delta.days == 7
    assert "pasal 53" in flow.needs["URGENT_FIRST_AID"].deadline.source
    assert "pasal 52" in flow.needs["REPATRIATION"].deadline.source
    assert "pasal 29" in flow.needs["WITNESS_PROTECTION"].deadline.source
    assert flow.stage("assessment").deadline.delta.total_seconds() == 24 * 3600
    assert flow.transition("monitoring", "closed").requires_approval == "CLOSURE"


def _line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{from: services, to: reintegration,", "{from: services, to: nowhere,", "unknown stage: nowhere"),
        (
            "agency_types: [LPSK]\n    deadline: lpsk_decision",
            "agency_types: [LPSK, MARTIANS]\n    deadline: lpsk_decision",
            "MARTIANS",
        ),
        ("roles: [CASE_WORKER, SUPERVISOR, INVESTIGATOR]}", "roles: [JANITOR]}", "JANITOR"),
        (
            '    days: 7\n    source: "UU 21/2007 pasal 53"',
            '    days: -7\n    source: "UU 21/2007 pasal 53"',
            "greater than zero",
        ),
        ('    days: 7\n    source: "UU 21/2007 pasal 53"', "    days: 7\n", "needs its source"),
    ],
)
def test_a_broken_flow_is_refused_naming_file_and_line(old, new, expected):
    assert old in DEFAULT
    broken = DEFAULT.replace(old, new, 1)
    with pytest.raises(FlowError) as info:
        parse_flow(broken, source="kalsel.yaml")
    message = str(info.value.message)
    assert message.startswith("kalsel.yaml:")
    assert expected in message
    assert info.value.line is not None


def test_an_unreachable_stage_is_refused():
    lines = DEFAULT.splitlines(keepends=True)
    broken = "".join(
        line for line in lines if not line.startswith("  - {from: reintegration, to: monitoring,")
    )
    assert broken != DEFAULT
    with pytest.raises(FlowError, match="monitoring cannot be reached"):
        parse_flow(broken, source="x.yaml")


def test_unknown_stage_error_points_at_the_transition_line():
    broken = DEFAULT.replace("{from: services, to: reintegration,", "{from: services, to: nowhere,", 1)
    with pytest.raises(FlowError) as info:
        parse_flow(broken, source="x.yaml")
    assert info.value.line == _line_of(broken, "to: nowhere")


def test_not_yaml_at_all():
    with pytest.raises(FlowError, match=r"x\.yaml"):
        parse_flow("stages: [unclosed", source="x.yaml")


def test_load_command_validates_and_stores_versions(tmp_path, db, regions):
    good = tmp_path / "flow.yaml"
    good.write_text(DEFAULT)
    call_command("cases_flow_load", str(good), "--check")
    assert FlowVersion.objects.count() == 0
    call_command("cases_flow_load", str(good))
    call_command("cases_flow_load", str(good))  # same content: one version
    assert FlowVersion.objects.filter(province__isnull=True).count() == 1
    province_file = tmp_path / "kalsel.yaml"
    province_file.write_text(DEFAULT.replace("hours: 72", "hours: 48"))
    call_command("cases_flow_load", str(province_file), "--province", "63")
    assert FlowVersion.objects.get(province_id="63").is_active
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT.replace("agency_types: [DINKES]", "agency_types: [DUKUN]"))
    with pytest.raises(CommandError, match=r"bad\.yaml:.*DUKUN"):
        call_command("cases_flow_load", str(bad))
    assert FlowVersion.objects.count() == 2
