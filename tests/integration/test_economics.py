"""Economics services on a small hand-checked world imported as OECD HEALTH_WFMI.

Two origins (KEN, NGA), two destinations (GBR, USA), doctors (FTDS) and nurses (FTNS):

=====  =====  =======  ====  =====
from   to     cadre    year  stock
=====  =====  =======  ====  =====
KEN    GBR    doctors  2017    900
KEN    GBR    doctors  2018  1,000
KEN    USA    doctors  2016    500
KEN    GBR    nurses   2018    200
NGA    GBR    doctors  2018  3,000
NGA    USA    doctors  2016  4,000
=====  =====  =======  ====  =====

Kenya's costs are Kirigia et al.'s (doctor 65,997, nurse 43,180 USD, n = 32), so each doctor
abroad is 65,997 × 1.0665^32 = 517,930.76 at the central rate and each nurse
43,180 × 1.0665^32 = 338,867.68.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hrh.domain.policy import LOCAL_ADMIN
from hrh.errors import Invalid, NotFound
from hrh.services import economics, imports
from hrh.services.context import AppContext

DATA = Path(__file__).resolve().parents[1] / "data"

HEADER = "COU,Country,VAR,Variable,CO2,Country of origin,YEA,Year,Value,Flag Codes,Flags\n"
ROWS = [
    ("GBR", "FTDS", "KEN", 2017, 900),
    ("GBR", "FTDS", "KEN", 2018, 1000),
    ("USA", "FTDS", "KEN", 2016, 500),
    ("GBR", "FTNS", "KEN", 2018, 200),
    ("GBR", "FTDS", "NGA", 2018, 3000),
    ("USA", "FTDS", "NGA", 2016, 4000),
]
DOCTOR_FV = 517_930.763_528_665_6  # 65,997 × 1.0665^32
NURSE_FV = 338_867.681_397_151_1  # 43,180 × 1.0665^32


def write_world(path: Path) -> Path:
    names = {"GBR": "United Kingdom", "USA": "United States", "KEN": "Kenya", "NGA": "Nigeria"}
    label = {"FTDS": "Foreign-trained doctors - Stock", "FTNS": "Foreign-trained nurses - Stock"}
    lines = [
        f"{d},{names[d]},{v},{label[v]},{o},{names[o]},{y},{y},{n},,\n" for d, v, o, y, n in ROWS
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def world(ctx: AppContext, tmp_path: Path) -> AppContext:
    imports.import_file(ctx, "oecd-wfmi", write_world(tmp_path / "wfmi.csv"), principal=LOCAL_ADMIN)
    return ctx


def test_kenya_all_corridors_latest_year_each(world: AppContext) -> None:
    r = economics.corridor_loss(world, origin="ken")
    got = [(x.destination, x.cadre, x.year, x.stock) for x in r.data]
    assert got == [
        ("GBR", "medical_doctors", 2018, 1000),
        ("USA", "medical_doctors", 2016, 500),
        ("GBR", "nurses", 2018, 200),
    ]
    assert r.data[0].loss_central == pytest.approx(1000 * DOCTOR_FV)
    assert r.data[2].loss_per_worker_central == pytest.approx(NURSE_FV)
    # 1,500 doctors × 517,930.76 + 200 nurses × 338,867.68
    assert round(r.total_loss_central) == 844_669_682
    assert round(r.total_loss_low) == 512_857_798  # at 5 %
    assert round(r.total_loss_high) == 11_256_361_933  # at 15.64 %
    assert r.total_stock == 1700
    assert (r.origin_name, r.currency, r.price_year, r.years) == ("Kenya", "USD", 2005, 32)
    assert r.total_destination_savings is None
    assert {i.name for i in r.inputs} == {
        "education_cost.medical_doctors",
        "education_cost.nurses",
        "interest_rates",
        "years_compounded",
    }


def test_one_destination_one_cadre_one_year_and_savings(world: AppContext) -> None:
    r = economics.corridor_loss(
        world,
        origin="KEN",
        destination="USA",
        cadre="221",
        destination_cost=250_000,
        rates=["6.65%"],
    )
    assert [(x.destination, x.stock) for x in r.data] == [("USA", 500)]
    assert r.data[0].destination_savings == 125_000_000
    assert r.total_destination_savings == 125_000_000
    assert r.total_loss_low == r.total_loss_central == r.total_loss_high
    r2017 = economics.corridor_loss(world, origin="KEN", cadre="medical_doctors", year=2017)
    assert [(x.destination, x.year, x.stock) for x in r2017.data] == [("GBR", 2017, 900)]


def test_origin_without_bundled_cost_needs_the_users(world: AppContext) -> None:
    with pytest.raises(Invalid, match=r"No education cost is bundled for NGA \(medical_doctors\)"):
        economics.corridor_loss(world, origin="NGA")
    r = economics.corridor_loss(
        world, origin="NGA", cadre="medical_doctors", cost=50_000, rates=["0.05"], years=30
    )
    # 7,000 doctors × 50,000 × 1.05^30
    assert round(r.total_loss_central) == 1_512_679_831
    assert [x.destination for x in r.data] == ["USA", "GBR"]
    assert r.currency == "as supplied"


def test_cost_sharing_kenya_to_the_uk(world: AppContext) -> None:
    r = economics.cost_sharing(
        world, origin="KEN", destination="GBR", refund_share="10%", rates=["0.0665"]
    )
    assert (r.recruits, r.recruits_year, r.training_place_cost) == (1000, 2018, 48_169)
    (o,) = r.options
    assert round(o.refund_per_recruit, 2) == 51_793.08
    assert round(o.refund_total or 0) == 51_793_076
    assert round(o.training_places_per_recruit, 4) == 1.0752
    assert o.whole_training_places == 1075
    r3 = economics.cost_sharing(
        world, origin="KEN", destination="USA", refund_share=0.5, recruits=2, place_cost=100_000
    )
    assert [o.scenario for o in r3.options] == ["low", "central", "high"]
    assert r3.options[1].refund_total == pytest.approx(DOCTOR_FV)
    assert r3.options[1].training_places == pytest.approx(DOCTOR_FV / 100_000)


def test_cost_sharing_without_a_stock_gives_per_recruit_figures(world: AppContext) -> None:
    r = economics.cost_sharing(
        world, origin="KEN", destination="USA", refund_share=0.1, cadre="nurses"
    )
    assert r.recruits is None and r.options[0].refund_total is None
    assert r.notes and "No stock of nurses from KEN in USA" in r.notes[0]
    assert r.training_place_cost == 25_352


def test_empty_corridors_are_reported_not_an_error(ctx: AppContext) -> None:
    r = economics.corridor_loss(ctx, origin="KEN")
    assert r.data == [] and r.count == 0 and r.total_loss_central == 0
    assert "No stocks abroad stored for KEN" in r.notes[-1]


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"origin": "XXX"}, NotFound, "'XXX'"),
        ({"origin": "KEN", "destination": "XXX"}, NotFound, "'XXX'"),
        ({"origin": "KEN", "cadre": "surgeons"}, Invalid, "'surgeons'"),
        ({"origin": "KEN", "rates": ["-1.5"]}, Invalid, "-1.5"),
        ({"origin": "KEN", "years": -1}, Invalid, "-1"),
        ({"origin": "KEN", "cadre": "221", "cost": -5}, Invalid, "-5"),
        ({"origin": "KEN", "cost": 5}, Invalid, "without a cadre"),
        ({"origin": "KEN", "destination_cost": 5}, Invalid, "needs a destination and a cadre"),
    ],
)
def test_bad_corridor_input(
    world: AppContext, kwargs: dict[str, object], error: type[Exception], named: str
) -> None:
    with pytest.raises(error) as err:
        economics.corridor_loss(world, **kwargs)  # type: ignore[arg-type]
    assert named in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"origin": "XXX", "destination": "GBR"}, NotFound, "'XXX'"),
        ({"origin": "KEN", "destination": "KEN"}, Invalid, "both KEN"),
        ({"origin": "KEN", "destination": "GBR", "refund_share": "2"}, Invalid, "'2'"),
        ({"origin": "KEN", "destination": "GBR", "cadre": "2262"}, Invalid, "pharmacists"),
        ({"origin": "KEN", "destination": "GBR", "recruits": -3}, Invalid, "-3"),
    ],
)
def test_bad_sharing_input(
    world: AppContext, kwargs: dict[str, object], error: type[Exception], named: str
) -> None:
    args: dict[str, object] = {"refund_share": "10%", **kwargs}
    with pytest.raises(error) as err:
        economics.cost_sharing(world, **args)  # type: ignore[arg-type]
    assert named in str(err.value)


def test_remittances_are_compared_where_data_exist(world: AppContext) -> None:
    assert economics.corridor_loss(world, origin="KEN").remittances is None
    imports.import_file(
        world, "wdi", DATA / "wdi" / "API_BX.TRF.PWKR.CD.DT_constructed.csv", principal=LOCAL_ADMIN
    )
    r = economics.corridor_loss(world, origin="KEN")
    m = r.remittances
    assert m is not None
    assert (m.year, m.remittances_usd) == (2018, 2_000_000_000)
    assert m.source.startswith("wb-wdi:BX.TRF.PWKR.CD.DT@")
    assert m.loss_central_usd == pytest.approx(r.total_loss_central)
    assert m.loss_in_years_of_remittances == pytest.approx(844_669_682 / 2e9)
    # a user's cost in another currency: no comparison with USD remittances
    kes = economics.corridor_loss(world, origin="KEN", cadre="medical_doctors", cost=5e6)
    assert kes.currency == "as supplied"
    assert kes.remittances is None
