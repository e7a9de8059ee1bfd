"""Lost public investment in emigrating health workers, destination savings, cost sharing.

The formulas (../docs/economics.md):

* lost investment per emigrant: FV = C × (1 + r)^n, with C the education cost (primary +
  secondary + professional), r an annual interest rate and n the years compounded
  (Kirigia et al. 2006);
* corridor loss: Σ over corridors of stock × FV, for a low, central and high rate
  (Mills et al. 2011);
* destination savings: stock × the destination's domestic cost of training one worker;
* cost sharing: refund = x × FV per recruit; training places = refund / cost of one place.

Everything here is pure: numbers in, frozen dataclasses out; bad numbers raise
:class:`hrh.errors.Invalid` naming the value and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from hrh.errors import M_, Invalid, Text

RATE_SCENARIOS = ("low", "central", "high")


def _check_amount(value: float, what: str) -> float:
    """Return ``value`` as a float when it is a finite number ≥ 0, else raise Invalid."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid.of(
            M_("%(what)s must be a number, got %(value)s."), what=Text(what), value=repr(value)
        )
    if not math.isfinite(value) or value < 0:
        raise Invalid.of(
            M_("%(what)s must be a finite amount of 0 or more, got %(value)s."),
            hint=M_("Costs, years and stocks cannot be negative."),
            what=Text(what),
            value=repr(value),
        )
    return float(value)


def _check_rate(rate: float, what: str = M_("Interest rate")) -> float:
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate):
        raise Invalid.of(
            M_("%(what)s must be a finite number, got %(value)s."),
            what=Text(what),
            value=repr(rate),
        )
    if rate <= -1:
        raise Invalid.of(
            M_("%(what)s %(value)s is −100 %% or less; expected a rate above −1 (−100 %%)."),
            hint=M_("Give rates as fractions (0.0665) or with a percent sign (6.65%)."),
            what=Text(what),
            value=repr(rate),
        )
    return float(rate)


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise Invalid(
            f"{what} is too large to compute ({value!r}).",
            hint="Check the cost, the rate and the years: the result overflows.",
        )
    return value


def future_value(cost: float, rate: float, years: float) -> float:
    """Return C × (1 + r)^n: the cost compounded at ``rate`` over ``years``.

    >>> round(future_value(65_997, 0.0665, 32))
    517931
    >>> future_value(100, 0.0, 10)
    100.0
    >>> future_value(-1, 0.05, 32)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hrh.errors.Invalid: Cost must be a finite amount of 0 or more, got -1. Costs, years and ...

    Raises:
        Invalid: for a negative or non-finite cost or years, a rate ≤ −100 %, or an overflow.
    """
    c = _check_amount(cost, M_("Cost"))
    r = _check_rate(rate)
    n = _check_amount(years, M_("Years"))
    try:
        growth = (1.0 + r) ** n
    except OverflowError:
        growth = math.inf
    return _finite(c * growth, f"The future value of {c:g} at {r:g} over {n:g} years")


def parse_rate(text: str | float) -> float:
    """Read an annual interest rate: a fraction (``0.0665``) or a percentage (``6.65%``).

    A bare number above 1 is refused as ambiguous (did ``6.65`` mean 6.65 %?).

    >>> parse_rate("0.0665"), parse_rate("6.65%"), parse_rate(" 15.64 % ")
    (0.0665, 0.0665, 0.1564)
    >>> parse_rate("6.65")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hrh.errors.Invalid: Interest rate '6.65' is ambiguous: ...
    """
    return _parse_fraction(text, M_("Interest rate"), _check_rate)


def parse_share(text: str | float) -> float:
    """Read a share between 0 and 1: ``0.25`` or ``25%``.

    >>> parse_share("25%"), parse_share(0.1)
    (0.25, 0.1)
    """
    share = _parse_fraction(text, M_("Refund share"), _check_amount)
    if share > 1:
        raise Invalid.of(
            M_("Refund share %(value)s is above 100 %%; expected a share between 0 and 1."),
            hint=M_("Write 0.25 or 25% for a quarter of the loss."),
            value=repr(text),
        )
    return share


def _parse_fraction(text: str | float, what: str, check: Callable[[float, str], float]) -> float:
    percent = False
    if isinstance(text, str):
        raw = text.strip()
        percent = raw.endswith("%")
        try:
            if "_" in raw:
                raise ValueError(raw)
            value = float(raw.removesuffix("%").strip())
        except ValueError:
            raise Invalid.of(
                M_("%(what)s %(value)s is not a number."),
                hint=M_("Write a fraction such as 0.0665 or a percentage such as 6.65%."),
                what=Text(what),
                value=repr(text),
            ) from None
    else:
        value = text
    if percent and math.isfinite(value):
        value = round(value / 100, 12)
    elif not percent and isinstance(value, int | float) and math.isfinite(value) and value > 1:
        raise Invalid.of(
            M_("%(what)s %(value)s is ambiguous: expected a fraction such as 0.0665."),
            hint=M_("For %(n)s percent write %(n)s%%."),
            what=Text(what),
            value=repr(text),
            n=f"{value:g}",
        )
    return check(value, what)


@dataclass(frozen=True)
class EducationCost:
    """The cost of educating one worker: primary + secondary + professional education.

    Components are None where the source gives only a total.

    >>> c = EducationCost.from_components(10_963, 6_865, 48_169, price_year=2005)
    >>> c.total, c.training_place_cost
    (65997.0, 48169.0)
    >>> EducationCost.from_total(43_180).professional is None
    True
    """

    total: float
    primary: float | None = None
    secondary: float | None = None
    professional: float | None = None
    currency: str = "USD"
    price_year: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        _check_amount(self.total, M_("Education cost"))
        named = (
            ("Primary", self.primary),
            ("Secondary", self.secondary),
            ("Professional", self.professional),
        )
        parts = [_check_amount(v, f"{n} education cost") for n, v in named if v is not None]
        if len(parts) == 3 and abs(sum(parts) - self.total) > 0.5:
            raise Invalid(
                f"Education cost components add up to {sum(parts):g}, not the total {self.total:g}."
            )

    @classmethod
    def from_components(
        cls,
        primary: float,
        secondary: float,
        professional: float,
        *,
        currency: str = "USD",
        price_year: int | None = None,
        source: str = "",
    ) -> EducationCost:
        """Build the cost from its three components (the total is their sum)."""
        p = _check_amount(primary, "Primary education cost")
        s = _check_amount(secondary, "Secondary education cost")
        q = _check_amount(professional, "Professional education cost")
        return cls(p + s + q, p, s, q, currency, price_year, source)

    @classmethod
    def from_total(
        cls, total: float, *, currency: str = "USD", price_year: int | None = None, source: str = ""
    ) -> EducationCost:
        """Build the cost from a total only (a user's figure, or a source without breakdown)."""
        return cls(total, currency=currency, price_year=price_year, source=source)

    @property
    def training_place_cost(self) -> float | None:
        """Return the cost of one professional training place (the professional component)."""
        return self.professional


@dataclass(frozen=True)
class RateRange:
    """Low, central and high annual interest rates (fractions).

    >>> RateRange.of([0.1564, 0.05, 0.0665])
    RateRange(low=0.05, central=0.0665, high=0.1564)
    >>> RateRange.of([0.05]).high
    0.05
    """

    low: float
    central: float
    high: float

    def __post_init__(self) -> None:
        for name in RATE_SCENARIOS:
            _check_rate(getattr(self, name), f"The {name} interest rate")
        if not self.low <= self.central <= self.high:
            raise Invalid(
                f"Rates must satisfy low ≤ central ≤ high, got {self.low:g}, "
                f"{self.central:g}, {self.high:g}."
            )

    @classmethod
    def of(cls, rates: Sequence[float]) -> RateRange:
        """Build a range from one rate (used for all three) or three rates (sorted)."""
        if len(rates) == 1:
            return cls(rates[0], rates[0], rates[0])
        if len(rates) == 3:
            for r in rates:
                _check_rate(r)
            low, central, high = sorted(rates)
            return cls(low, central, high)
        raise Invalid(
            f"Expected one interest rate or three (low, central, high), got {len(rates)}.",
            hint="Repeat --rate once or three times.",
        )

    def items(self) -> Iterator[tuple[str, float]]:
        """Yield (scenario, rate) for low, central and high."""
        for name in RATE_SCENARIOS:
            yield name, getattr(self, name)

    def distinct(self) -> list[tuple[str, float]]:
        """Return (scenario, rate) pairs, only ``central`` when the three rates are equal.

        >>> RateRange.of([0.05]).distinct()
        [('central', 0.05)]
        """
        if self.low == self.central == self.high:
            return [("central", self.central)]
        return list(self.items())


@dataclass(frozen=True)
class LostInvestment:
    """The investment lost with one emigrant at one rate.

    >>> x = lost_investment(43_180, 0.05, 32)
    >>> round(x.future_value), round(x.returns_forgone)
    (205750, 162570)
    """

    scenario: str
    rate: float
    years: float
    cost: float
    future_value: float

    @property
    def returns_forgone(self) -> float:
        """Return FV − C: the returns the investment would have earned."""
        return self.future_value - self.cost


def lost_investment(
    cost: EducationCost | float, rate: float, years: float, scenario: str = "central"
) -> LostInvestment:
    """Return the lost investment per emigrant: FV = C × (1 + r)^n."""
    c = cost.total if isinstance(cost, EducationCost) else _check_amount(cost, M_("Cost"))
    return LostInvestment(scenario, rate, years, c, future_value(c, rate, years))


def lost_investment_range(
    cost: EducationCost | float, rates: RateRange, years: float
) -> tuple[LostInvestment, ...]:
    """Return the lost investment per emigrant at the low, central and high rate."""
    return tuple(lost_investment(cost, r, years, name) for name, r in rates.items())


@dataclass(frozen=True)
class LossRange:
    """An amount at the low, central and high interest rate."""

    low: float
    central: float
    high: float

    def scaled(self, factor: float) -> LossRange:
        """Return the range multiplied by ``factor`` (e.g. a stock of workers)."""
        return LossRange(
            *(_finite(getattr(self, s) * factor, "A corridor loss") for s in RATE_SCENARIOS)
        )

    def __add__(self, other: LossRange) -> LossRange:
        return LossRange(self.low + other.low, self.central + other.central, self.high + other.high)


@dataclass(frozen=True)
class CorridorStock:
    """Workers of a cadre trained in ``origin`` working in ``destination`` in ``year``."""

    origin: str
    destination: str
    cadre: str
    year: int
    stock: float
    source: str = ""


@dataclass(frozen=True)
class CorridorLoss:
    """The investment lost by ``origin`` with the workers in one corridor."""

    origin: str
    destination: str
    cadre: str
    year: int
    stock: float
    source: str
    cost_per_worker: float
    loss_per_worker: LossRange
    loss: LossRange
    destination_cost_per_worker: float | None
    destination_savings: float | None


@dataclass(frozen=True)
class CorridorLossTotal:
    """Corridor losses, largest first, and their totals."""

    corridors: tuple[CorridorLoss, ...]
    stock: float
    loss: LossRange
    destination_savings: float | None
    rates: RateRange
    years: float


def destination_savings(stock: float, cost_per_worker: float) -> float:
    """Return what a destination saved by recruiting ``stock`` trained workers.

    >>> destination_savings(100, 250_000.0)
    25000000.0
    """
    s = _check_amount(stock, "Stock of workers")
    c = _check_amount(cost_per_worker, "Destination training cost")
    return _finite(s * c, "The destination savings")


def corridor_losses(
    stocks: Sequence[CorridorStock],
    costs: Mapping[str, EducationCost],
    rates: RateRange,
    years: float,
    destination_costs: Mapping[tuple[str, str], float] | None = None,
) -> CorridorLossTotal:
    """Aggregate stock × FV over corridors at each rate, largest central loss first.

    ``costs`` maps cadre → the origin's education cost; ``destination_costs`` maps
    (destination, cadre) → the destination's cost of training one worker.

    >>> s = [CorridorStock("KEN", "GBR", "medical_doctors", 2018, 10)]
    >>> t = corridor_losses(s, {"medical_doctors": EducationCost.from_total(65_997)},
    ...                     RateRange.of([0.0665]), 32)
    >>> round(t.loss.central)
    5179308
    """
    dest_costs = destination_costs or {}
    out = []
    for s in stocks:
        stock = _check_amount(s.stock, f"Stock {s.origin}→{s.destination} {s.cadre}")
        cost = costs.get(s.cadre)
        if cost is None:
            raise Invalid(
                f"No education cost for cadre {s.cadre!r} of {s.origin}.",
                hint="Supply one for this cadre (--cost with --cadre).",
            )
        per = LossRange(*(x.future_value for x in lost_investment_range(cost, rates, years)))
        dcost = dest_costs.get((s.destination, s.cadre))
        out.append(
            CorridorLoss(
                s.origin,
                s.destination,
                s.cadre,
                s.year,
                stock,
                s.source,
                cost.total,
                per,
                per.scaled(stock),
                dcost,
                None if dcost is None else destination_savings(stock, dcost),
            )
        )
    out.sort(key=lambda c: (-c.loss.central, c.origin, c.destination, c.cadre))
    total = LossRange(0.0, 0.0, 0.0)
    for c in out:
        total = total + c.loss
    savings = [c.destination_savings for c in out if c.destination_savings is not None]
    return CorridorLossTotal(
        tuple(out),
        sum(c.stock for c in out),
        LossRange(*(_finite(getattr(total, k), "The total loss") for k in RATE_SCENARIOS)),
        _finite(sum(savings), "The total savings") if savings else None,
        rates,
        years,
    )


@dataclass(frozen=True)
class CostShare:
    """A destination refunds ``refund_share`` of the loss per recruit to the origin.

    >>> x = cost_share(517_931.0, 0.1, 48_169.0, recruits=10)
    >>> round(x.refund_per_recruit), round(x.refund_total)
    (51793, 517931)
    >>> round(x.training_places_per_recruit, 3), x.whole_training_places
    (1.075, 10)
    """

    scenario: str
    rate: float | None
    loss_per_recruit: float
    refund_share: float
    training_place_cost: float
    recruits: float | None

    @property
    def refund_per_recruit(self) -> float:
        """Return x × the loss per recruit."""
        return self.refund_share * self.loss_per_recruit

    @property
    def refund_total(self) -> float | None:
        """Return the refund for all recruits (None when the number of recruits is unknown)."""
        return None if self.recruits is None else self.refund_per_recruit * self.recruits

    @property
    def training_places_per_recruit(self) -> float:
        """Return how many training places in the origin one recruit's refund pays for."""
        return self.refund_per_recruit / self.training_place_cost

    @property
    def training_places(self) -> float | None:
        """Return the training places the whole refund pays for (None without recruits)."""
        total = self.refund_total
        return None if total is None else total / self.training_place_cost

    @property
    def whole_training_places(self) -> int | None:
        """Return the whole training places the refund pays for (rounded down)."""
        places = self.training_places
        return None if places is None else math.floor(places + 1e-9)


def cost_share(
    loss_per_recruit: float,
    refund_share: float,
    training_place_cost: float,
    *,
    recruits: float | None = None,
    scenario: str = "central",
    rate: float | None = None,
) -> CostShare:
    """Return the refund of ``refund_share`` × loss per recruit and the places it buys.

    Raises:
        Invalid: for a negative loss or recruits, a share outside [0, 1], or a training
            place that costs nothing.
    """
    loss = _check_amount(loss_per_recruit, "Loss per recruit")
    share = _check_amount(refund_share, M_("Refund share"))
    if share > 1:
        raise Invalid(f"Refund share {share:g} is above 1; expected a share between 0 and 1.")
    place = _check_amount(training_place_cost, "Training place cost")
    if place == 0:
        raise Invalid("Training place cost is 0; expected the positive cost of one place.")
    n = None if recruits is None else _check_amount(recruits, "Recruits")
    result = CostShare(scenario, rate, loss, share, place, n)
    _finite(result.refund_total or 0.0, "The refund")
    _finite(result.training_places_per_recruit, "The training places")
    _finite(result.training_places or 0.0, "The training places")
    return result
