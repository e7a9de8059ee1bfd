"""The practice library: seed, search ranking on both backends, filters, drafts, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrh.domain.policy import ANONYMOUS, LOCAL_ADMIN, Principal
from hrh.domain.practices import PRACTICE_TYPES
from hrh.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from hrh.ingest.practices import SEED_FILE, read_practices
from hrh.services import accounts, audit, library
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parents[1] / "data" / "library"

#: The practices issue 8 asks the seed to cover.
EXPECTED_IDS = {
    "who-global-code",
    "uk-code-of-practice",
    "commonwealth-code",
    "iom-mida-ghana-health",
    "germany-philippines-triple-win",
    "germany-vietnam-nurses",
    "veneto-timis-nursing-course",
    "philippines-poea-owwa-polo",
    "philippines-supply-demand-plan",
    "sri-lanka-hmdp",
    "uk-nhs-workforce-reform",
    "nurse-to-patient-ratios",
    "india-return-incentives",
    "ghana-return-incentives",
    "who-return-and-serve",
    "africa-cdc-diaspora-engagement",
    "saudi-vision-2030-nationalisation",
    "nhs-employers-ethical-recruiters-list",
}


@pytest.fixture
def seeded(ctx: AppContext) -> AppContext:
    library.load_seed(ctx)
    return ctx


def _user(ctx: AppContext, name: str, role: str) -> Principal:
    view = accounts.add_user(ctx, LOCAL_ADMIN, name, role)
    return Principal("user", name, role, user_id=view.id)


def _ids(result: library.PracticeSearch) -> list[str]:
    return [v.id for v in result.data]


def test_seed_covers_the_practices_the_issue_names() -> None:
    practices = read_practices(SEED_FILE)
    assert {p.code for p in practices} == EXPECTED_IDS
    assert {p.type for p in practices} <= set(PRACTICE_TYPES)
    assert all(p.sources and p.summary and p.what_it_did for p in practices)


def test_load_is_idempotent_and_audited_once(ctx: AppContext) -> None:
    first = library.load_seed(ctx)
    second = library.load_seed(ctx)
    assert (first.created, first.updated, first.unchanged) == (len(EXPECTED_IDS), 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(EXPECTED_IDS))
    events = audit.list_events(ctx, LOCAL_ADMIN, action="library.load")
    assert [e.detail["created"] for e in events] == [len(EXPECTED_IDS)]
    assert library.search(ctx, ANONYMOUS).count == len(EXPECTED_IDS)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("return of diaspora doctors to Ghana", "iom-mida-ghana-health"),
        ("red list", "uk-code-of-practice"),
        ("nurse ratios", "nurse-to-patient-ratios"),
        ("Sri Lanka manpower plan", "sri-lanka-hmdp"),
        ("Commonwealth code", "commonwealth-code"),
        ("University of Padova nursing course", "veneto-timis-nursing-course"),
        ("ethical recruiters list", "nhs-employers-ethical-recruiters-list"),
        ("Vision 2030", "saudi-vision-2030-nationalisation"),
    ],
)
def test_the_obvious_entry_comes_first(seeded: AppContext, query: str, first: str) -> None:
    result = library.search(seeded, ANONYMOUS, query)
    assert result.match == "all"
    assert _ids(result)[0] == first
    assert result.data[0].score is not None


def test_scores_fall_and_country_links_point_to_profiles(seeded: AppContext) -> None:
    result = library.search(seeded, ANONYMOUS, "return of diaspora doctors to Ghana")
    scores = [v.score or 0.0 for v in result.data]
    assert scores == sorted(scores, reverse=True)
    mida = result.data[0]
    assert [c.url for c in mida.countries] == ["/countries/GHA", "/countries/NLD"]
    assert mida.countries[0].name == "Ghana"
    assert mida.url == "/library/iom-mida-ghana-health"


def test_any_word_when_no_entry_has_all(seeded: AppContext) -> None:
    result = library.search(seeded, ANONYMOUS, "Timisoara zzzunknownword")
    assert result.match == "any"
    assert _ids(result) == ["veneto-timis-nursing-course"]
    assert library.search(seeded, ANONYMOUS, "zzzunknownword").count == 0


def test_filters(seeded: AppContext) -> None:
    by_type = library.search(seeded, ANONYMOUS, type="code-of-practice")
    assert set(_ids(by_type)) == {
        "who-global-code",
        "uk-code-of-practice",
        "commonwealth-code",
        "nhs-employers-ethical-recruiters-list",
    }
    assert set(_ids(library.search(seeded, ANONYMOUS, country="phl"))) == {
        "germany-philippines-triple-win",
        "philippines-poea-owwa-polo",
        "philippines-supply-demand-plan",
    }
    in_2000 = set(_ids(library.search(seeded, ANONYMOUS, year=2000)))
    assert in_2000 == {"sri-lanka-hmdp", "uk-nhs-workforce-reform"}
    assert "sri-lanka-hmdp" not in _ids(library.search(seeded, ANONYMOUS, year=2007))
    both = library.search(seeded, ANONYMOUS, "code", country="GBR", type="code of practice")
    assert _ids(both)[0] == "uk-code-of-practice"
    assert set(_ids(both)) <= {"uk-code-of-practice", "nhs-employers-ethical-recruiters-list"}
    page = library.search(seeded, ANONYMOUS, limit=5, offset=5)
    assert (len(page.data), page.count) == (5, len(EXPECTED_IDS))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "treaty"}, "Unknown practice type"),
        ({"country": "Ghana"}, "not an ISO 3166-1 alpha-3"),
        ({"year": 1200}, "out of range"),
        ({"status": "secret"}, "Unknown status"),
    ],
)
def test_bad_filters_are_refused(ctx: AppContext, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        library.search(ctx, ANONYMOUS, **kwargs)  # type: ignore[arg-type]


def test_drafts_are_seen_only_by_their_author_and_admins(seeded: AppContext) -> None:
    ana = _user(seeded, "lib-ana", "analyst")
    bob = _user(seeded, "lib-bob", "analyst")
    admin = _user(seeded, "lib-admin", "admin")
    (draft,) = library.submit_file(seeded, ana, DATA / "draft.yaml")
    code = draft.id
    assert draft.status == "draft"
    for reader in (ANONYMOUS, bob):
        with pytest.raises(NotFound):
            library.get(seeded, reader, code)
        assert code not in _ids(library.search(seeded, reader, "retention allowance", status="all"))
        assert library.search(seeded, reader, status="draft").count == 0
    for reader in (ana, admin):
        assert library.get(seeded, reader, code).status == "draft"
        assert _ids(library.search(seeded, reader, status="draft")) == [code]
    # published searches leave drafts out, even for their author
    assert code not in _ids(library.search(seeded, ana, "retention allowance"))
    with pytest.raises(Forbidden):
        library.publish(seeded, ana, code)
    assert library.publish(seeded, admin, code).status == "published"
    assert library.get(seeded, ANONYMOUS, code).status == "published"
    assert _ids(library.search(seeded, ANONYMOUS, "hardship allowance remote counties")) == [code]
    with pytest.raises(Conflict):
        library.publish(seeded, admin, code)
    actions = [e.action for e in audit.list_events(seeded, LOCAL_ADMIN) if e.target == code]
    assert actions == ["library.submit", "library.publish"]


def test_submitting_rules(seeded: AppContext) -> None:
    ana = _user(seeded, "lib-ana2", "analyst")
    bob = _user(seeded, "lib-bob2", "analyst")
    library.submit_file(seeded, ana, DATA / "draft.yaml")
    (again,) = library.submit_file(seeded, ana, DATA / "draft.yaml")  # own draft: replaced
    assert again.status == "draft"
    with pytest.raises(Conflict):
        library.submit_file(seeded, bob, DATA / "draft.yaml")
    seed_entry = {**_raw_draft(), "id": "who-global-code"}
    with pytest.raises(Conflict):
        library.submit_mapping(seeded, ana, seed_entry)
    with pytest.raises(Unauthorized):
        library.submit_mapping(seeded, ANONYMOUS, _raw_draft())
    with pytest.raises(Forbidden):
        library.submit_mapping(seeded, Principal("user", "r", "recruiter"), _raw_draft())


def _raw_draft() -> dict[str, object]:
    return {
        "id": "another-test-entry",
        "title": "Another test entry",
        "type": "return programme",
        "summary": "S",
        "what_it_did": "W",
        "sources": [{"title": "T", "url": "https://example.org"}],
    }


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            "bad_type.yaml",
            {
                "practices[0].type": "code-of-conduct",
                "practices[0].countries[1]": "ghana",
                "practices[0].years.end": "2010",
                "practices[0].sources[0].url": "ftp://example.org",
                "practices[0].colour": "blue",
            },
        ),
        ("no_sources.yaml", {"practices[0].sources": None, "practices[1].id": "no-sources"}),
    ],
)
def test_yaml_errors_name_the_file_and_the_key(file: str, expected: dict[str, str | None]) -> None:
    with pytest.raises(Invalid) as info:
        read_practices(DATA / file)
    problems = info.value.problems
    assert {p.file for p in problems} == {file}
    assert {p.column: p.value for p in problems} == expected
    assert file in info.value.message


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(Invalid, match="not valid YAML") as info:
        read_practices(DATA / "not_yaml.yaml")
    (problem,) = info.value.problems
    assert (problem.file, problem.line) == ("not_yaml.yaml", 4)
