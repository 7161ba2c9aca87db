"""The coordination flow as data: parsing and validating a flow file.

A flow file (YAML, see flows/tppo-default.yaml) names the stages of the care and legal tracks, the transitions
between them (who may make each: the lead agency or any participant, which agency types, which roles), which
referral needs each stage expects and the deadlines with their legal source. `parse_flow` turns the text into an
immutable `Flow` or raises `FlowError` naming the file and the line of the faulty entry.

No database access here: storing versions is `services.flow_version_load`, choosing one is
`selectors.flow_version_for_region`.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases.choices import ApprovalKind, ReferralNeed, Track
from sinergi.core.errors import ApplicationError

DEFAULT_FLOW_FILE = Path(__file__).resolve().parent / "flows" / "tppo-default.yaml"
START = "start"  # the "from" of a legal-track transition that opens the track
BY_LEAD = "lead"
BY_PARTICIPANT = "participant"
STAGE_MARKS = frozenset({"repatriated"})


class FlowError(ApplicationError):
    """A flow file that cannot be used; the message names the file and the line."""

    def __init__(self, message, *, source: str = "", line: int | None = None):
        where = f"{source or '<flow>'}:{line}" if line else (source or "<flow>")
        super().__init__(f"{where}: {message}", code="invalid_flow")
        self.line = line
        self.source = source


@dataclass(frozen=True)
class Deadline:
    key: str
    delta: timedelta
    source: str


@dataclass(frozen=True)
class Stage:
    code: str
    track: str
    labels: dict
    initial: bool = False
    final: bool = False
    deadline: Deadline | None = None
    expects: tuple[str, ...] = ()
    marks: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        lang = (get_language() or "id")[:2]
        return self.labels.get(lang) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    track: str
    by: str
    agency_types: frozenset[str] | None
    roles: frozenset[str]
    requires_approval: str = ""


@dataclass(frozen=True)
class Need:
    code: str
    agency_types: frozenset[str]
    deadline: Deadline


@dataclass(frozen=True)
class Flow:
    code: str
    names: dict
    sha256: str
    stages: dict[str, Stage]
    transitions: tuple[Transition, ...]
    needs: dict[str, Need]
    answer_deadline: Deadline
    deadlines: dict[str, Deadline] = field(default_factory=dict)

    @property
    def name(self) -> str:
        lang = (get_language() or "id")[:2]
        return self.names.get(lang) or self.names.get("en") or self.code

    def initial(self, track: str = Track.CARE) -> Stage:
        return next(s for s in self.stages.values() if s.track == track and s.initial)

    def stage(self, code: str) -> Stage | None:
        return self.stages.get(code)

    def stages_of(self, track: str) -> list[Stage]:
        return [s for s in self.stages.values() if s.track == track]

    def transitions_from(self, code: str, track: str = Track.CARE) -> list[Transition]:
        source = code or START
        return [t for t in self.transitions if t.track == track and t.source == source]

    def transition(self, source: str, target: str, track: str = Track.CARE) -> Transition | None:
        return next((t for t in self.transitions_from(source, track) if t.target == target), None)


class _LineDict(dict):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    mapping = _LineDict(loader.construct_pairs(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line(entry) -> int | None:
    return getattr(entry, "line", None)


def _text_map(value, *, source, line, what) -> dict:
    if isinstance(value, str) and value.strip():
        return {"en": value, "id": value}
    if isinstance(value, dict) and value and all(isinstance(v, str) and v.strip() for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise FlowError(
        _("%(what)s must be a text or {en: ..., id: ...}.") % {"what": what}, source=source, line=line
    )


def _code_list(value, allowed, *, source, line, what) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        raise FlowError(_("%(what)s must be a non-empty list.") % {"what": what}, source=source, line=line)
    unknown = [str(v) for v in value if v not in allowed]
    if unknown:
        raise FlowError(
            _("unknown %(what)s: %(codes)s.") % {"what": what, "codes": ", ".join(unknown)},
            source=source,
            line=line,
        )
    return frozenset(value)


def _parse_deadline(key, entry, *, source) -> Deadline:
    line = _line(entry)
    if not isinstance(entry, dict):
        raise FlowError(
            _("deadline %(key)s must have hours or days and a source.") % {"key": key}, source=source
        )
    units = [u for u in ("hours", "days") if u in entry]
    extra = set(entry) - {"hours", "days", "source"}
    if len(units) != 1 or extra:
        raise FlowError(
            _("deadline %(key)s must give exactly one of hours or days, and a source.") % {"key": key},
            source=source,
            line=line,
        )
    amount = entry[units[0]]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or amount > 3650:
        raise FlowError(
            _("deadline %(key)s: %(unit)s must be a whole number greater than zero.")
            % {"key": key, "unit": units[0]},
            source=source,
            line=line,
        )
    legal_source = entry.get("source")
    if not isinstance(legal_source, str) or not legal_source.strip():
        raise FlowError(
            _("deadline %(key)s needs its source (the law or the agreement that sets it).") % {"key": key},
            source=source,
            line=line,
        )
    delta = timedelta(hours=amount) if units[0] == "hours" else timedelta(days=amount)
    return Deadline(key=key, delta=delta, source=legal_source.strip())


def parse_flow(text: str, *, source: str = "") -> Flow:
    """Parses and validates a flow file; raises FlowError (file:line: what is wrong) on any problem."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (_Loader is a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FlowError(
            _("not valid YAML (%(problem)s).") % {"problem": getattr(exc, "problem", "") or exc},
            source=source,
            line=mark.line + 1 if mark else None,
        ) from exc
    if not isinstance(data, dict):
        raise FlowError(_("a flow file must be a mapping with code, stages and transitions."), source=source)

    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        raise FlowError(_("the flow needs a code."), source=source, line=_line(data))
    names = _text_map(data.get("name"), source=source, line=_line(data), what="name")

    raw_deadlines = data.get("deadlines") or {}
    if not isinstance(raw_deadlines, dict):
        raise FlowError(_("deadlines must be a mapping."), source=source, line=_line(data))
    deadlines = {key: _parse_deadline(key, entry, source=source) for key, entry in raw_deadlines.items()}

    def deadline_ref(key, *, line) -> Deadline:
        if key not in deadlines:
            raise FlowError(_("unknown deadline: %(key)s.") % {"key": key}, source=source, line=line)
        return deadlines[key]

    answer = deadline_ref(data.get("referral_answer_deadline"), line=_line(data))

    raw_needs = data.get("needs") or {}
    if not isinstance(raw_needs, dict) or not raw_needs:
        raise FlowError(_("the flow must list the referral needs."), source=source, line=_line(data))
    needs: dict[str, Need] = {}
    for need_code, entry in raw_needs.items():
        line = _line(entry) or _line(raw_needs)
        if need_code not in ReferralNeed.values:
            raise FlowError(
                _("unknown referral need: %(code)s.") % {"code": need_code}, source=source, line=line
            )
        if not isinstance(entry, dict):
            raise FlowError(
                _("need %(code)s must be a mapping.") % {"code": need_code}, source=source, line=line
            )
        needs[need_code] = Need(
            code=need_code,
            agency_types=_code_list(
                entry.get("agency_types"), AgencyType.values, source=source, line=line, what="agency type"
            ),
            deadline=deadline_ref(entry.get("deadline"), line=line),
        )

    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise FlowError(_("the flow must list its stages."), source=source, line=_line(data))
    stages: dict[str, Stage] = {}
    for entry in raw_stages:
        line = _line(entry)
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            raise FlowError(_("each stage needs a code."), source=source, line=line)
        stage_code = entry["code"]
        if stage_code in stages or stage_code == START:
            raise FlowError(
                _("stage %(code)s is defined twice.") % {"code": stage_code}, source=source, line=line
            )
        track = entry.get("track", Track.CARE)
        if track not in Track.values:
            raise FlowError(_("unknown track: %(track)s.") % {"track": track}, source=source, line=line)
        expects = entry.get("expects") or []
        unknown_needs = [n for n in expects if n not in needs]
        if unknown_needs:
            raise FlowError(
                _("stage %(code)s expects unknown referral needs: %(needs)s.")
                % {"code": stage_code, "needs": ", ".join(map(str, unknown_needs))},
                source=source,
                line=line,
            )
        marks = frozenset(entry.get("marks") or [])
        if marks - STAGE_MARKS:
            raise FlowError(
                _("unknown stage mark: %(marks)s.") % {"marks": ", ".join(sorted(marks - STAGE_MARKS))},
                source=source,
                line=line,
            )
        stages[stage_code] = Stage(
            code=stage_code,
            track=track,
            labels=_text_map(entry.get("label", stage_code), source=source, line=line, what="label"),
            initial=bool(entry.get("initial")),
            final=bool(entry.get("final")),
            deadline=deadline_ref(entry["deadline"], line=line) if entry.get("deadline") else None,
            expects=tuple(expects),
            marks=marks,
        )
    for track in Track.values:
        initials = [s for s in stages.values() if s.track == track and s.initial]
        if len(initials) != 1:
            raise FlowError(
                _("the %(track)s track must have exactly one initial stage.") % {"track": track},
                source=source,
            )
    if not any(s.final for s in stages.values() if s.track == Track.CARE):
        raise FlowError(_("the care track needs a final stage (closed)."), source=source)

    raw_transitions = data.get("transitions")
    if not isinstance(raw_transitions, list) or not raw_transitions:
        raise FlowError(_("the flow must list its transitions."), source=source, line=_line(data))
    transitions: list[Transition] = []
    for entry in raw_transitions:
        line = _line(entry)
        if not isinstance(entry, dict):
            raise FlowError(_("each transition must be a mapping."), source=source, line=line)
        src, dst = entry.get("from"), entry.get("to")
        if dst not in stages:
            raise FlowError(_("unknown stage: %(code)s.") % {"code": dst}, source=source, line=line)
        track = stages[dst].track
        if src == START:
            if not stages[dst].initial or track != Track.LEGAL:
                raise FlowError(
                    _("only the legal track's initial stage can be entered from start."),
                    source=source,
                    line=line,
                )
        elif src not in stages:
            raise FlowError(_("unknown stage: %(code)s.") % {"code": src}, source=source, line=line)
        elif stages[src].track != track:
            raise FlowError(
                _("a transition cannot cross from the %(a)s track to the %(b)s track.")
                % {"a": stages[src].track, "b": track},
                source=source,
                line=line,
            )
        elif stages[src].final:
            raise FlowError(
                _("no transition may leave a final stage (%(code)s).") % {"code": src},
                source=source,
                line=line,
            )
        by = entry.get("by", BY_LEAD)
        if by not in (BY_LEAD, BY_PARTICIPANT):
            raise FlowError(
                _("by must be lead or participant, not %(by)s.") % {"by": by}, source=source, line=line
            )
        agency_types = None
        if "agency_types" in entry:
            agency_types = _code_list(
                entry["agency_types"], AgencyType.values, source=source, line=line, what="agency type"
            )
        roles = _code_list(entry.get("roles"), Role.values, source=source, line=line, what="role")
        approval = entry.get("requires_approval") or ""
        if approval and approval not in ApprovalKind.values:
            raise FlowError(
                _("unknown approval kind: %(kind)s.") % {"kind": approval}, source=source, line=line
            )
        unknown_keys = set(entry) - {"from", "to", "by", "agency_types", "roles", "requires_approval"}
        if unknown_keys:
            raise FlowError(
                _("unknown keys in a transition: %(keys)s.")
                % {"keys": ", ".join(sorted(map(str, unknown_keys)))},
                source=source,
                line=line,
            )
        if any(t.source == src and t.target == dst for t in transitions):
            raise FlowError(
                _("transition %(a)s -> %(b)s is defined twice.") % {"a": src, "b": dst},
                source=source,
                line=line,
            )
        transitions.append(
            Transition(
                source=src,
                target=dst,
                track=track,
                by=by,
                agency_types=agency_types,
                roles=roles,
                requires_approval=approval,
            )
        )

    # Every stage must be reachable from its track's start, and every non-final care stage must lead on.
    for track in Track.values:
        start = (
            START
            if track == Track.LEGAL
            else next(s.code for s in stages.values() if s.track == track and s.initial)
        )
        seen = {start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for t in transitions:
                if t.source == current and t.target not in seen:
                    seen.add(t.target)
                    queue.append(t.target)
        for stage in stages.values():
            if stage.track == track and stage.code not in seen:
                raise FlowError(
                    _("stage %(code)s cannot be reached from the start of its track.") % {"code": stage.code},
                    source=source,
                    line=next(
                        (_line(e) for e in raw_stages if isinstance(e, dict) and e.get("code") == stage.code),
                        None,
                    ),
                )
    for stage in stages.values():
        if (
            stage.track == Track.CARE
            and not stage.final
            and not any(t.source == stage.code for t in transitions)
        ):
            raise FlowError(
                _("stage %(code)s is a dead end: no transition leaves it.") % {"code": stage.code},
                source=source,
            )

    return Flow(
        code=code.strip(),
        names=names,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        stages=stages,
        transitions=tuple(transitions),
        needs=needs,
        answer_deadline=answer,
        deadlines=deadlines,
    )


@lru_cache(maxsize=1)
def default_flow() -> Flow:
    """The national default flow shipped with the code: read once per process, it changes only with a deploy."""
    return parse_flow(DEFAULT_FLOW_FILE.read_text(encoding="utf-8"), source=DEFAULT_FLOW_FILE.name)


@lru_cache(maxsize=32)
def parse_flow_cached(text: str, source: str = "") -> Flow:
    """Flow files are immutable once stored, so a parsed version can be kept for the life of the process."""
    return parse_flow(text, source=source)
