"""Colours that readers with any common colour-vision deficiency can tell apart.

The eight colours are Okabe and Ito's ("Color Universal Design", 2008). A chart with more
series than colours repeats them with a hatch pattern, so that no two series look alike.
The triad, places and referral statuses keep one colour each in every report.
"""

from __future__ import annotations

import attrs

from sro_core.domain import LocationKind, ReferralStatus, TriadRole

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
"""Okabe and Ito's colour-blind-safe palette, darkest and most distinct first."""
HATCHES = ("", "//", "..", "xx")
"""Patterns laid over the colours once they run out: plain, then stripes, dots, crosses."""


@attrs.frozen
class Swatch:
    """How one series of a chart is filled: a colour and a hatch pattern (``""`` for none)."""

    colour: str
    hatch: str = ""


def swatch(index: int) -> Swatch:
    """Return the fill of the series at an index: each colour, then each again hatched."""
    colour = OKABE_ITO[index % len(OKABE_ITO)]
    return Swatch(colour, HATCHES[(index // len(OKABE_ITO)) % len(HATCHES)])


PLACES = {
    LocationKind.ON_CAMPUS: Swatch(OKABE_ITO[0]),
    LocationKind.SCHOOL_ADJACENT: Swatch(OKABE_ITO[4]),
    LocationKind.COMMUNITY: Swatch(OKABE_ITO[1]),
    LocationKind.ONLINE: Swatch(OKABE_ITO[3]),
}
"""The school's own places in blues, the community in orange, online in purple."""
TRIAD = {
    TriadRole.LAW_ENFORCEMENT: Swatch(OKABE_ITO[0]),
    TriadRole.INFORMAL_COUNSELOR_MENTOR: Swatch(OKABE_ITO[1]),
    TriadRole.EDUCATOR: Swatch(OKABE_ITO[2]),
}
"""The three roles of the NASRO triad."""
REFERRAL_STATUSES = {
    ReferralStatus.SENT: Swatch(OKABE_ITO[4]),
    ReferralStatus.ACCEPTED: Swatch(OKABE_ITO[2]),
    ReferralStatus.DECLINED: Swatch(OKABE_ITO[5]),
    ReferralStatus.CLOSED: Swatch(OKABE_ITO[0]),
}
"""Where referrals stand: waiting, taken up, turned down, finished."""
