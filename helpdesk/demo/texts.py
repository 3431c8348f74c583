"""Composing the Swedish texts of synthetic messages from phrases."""

from . import phrases as p


def description(rng, issue_text, *, first_name, impact, urgency) -> str:
    """The requester's first message."""
    parts = [issue_text, rng.choice(p.DETAILS)]
    if rng.random() < 0.25:
        parts.append(f"Felkod: 0x{rng.getrandbits(32):08X}.")
    if p.IMPACT_TEXT[impact]:
        parts.append(p.IMPACT_TEXT[impact])
    parts.append(p.URGENCY_TEXT[urgency])
    if rng.random() < 0.5:
        parts.append(f"Jag finns på {rng.choice(p.PLACES)}.")
    return f"{rng.choice(p.GREETINGS)}\n\n{' '.join(parts)}\n\n{rng.choice(p.CLOSINGS)}\n{first_name}"


def phone_note(rng, issue_text, *, caller) -> str:
    """What the agent writes down during a call."""
    return f"Samtal från {caller}. {issue_text} {rng.choice(p.DETAILS)}"


def agent_reply(rng, *, to, agent, group, answer=None) -> str:
    """A public reply from staff: a question, or the answer when given."""
    if answer is None:
        middle = f"{rng.choice(p.ACKS)} {rng.choice(p.QUESTIONS)}"
    else:
        middle = f"{rng.choice(p.ACKS)} {answer} Hör av dig om problemet kvarstår."
    return f"Hej {to}!\n\n{middle}\n\n{rng.choice(p.SIGNATURES)}\n{agent}, {group}"


def supplier_reply(rng, *, to, agent, group) -> str:
    """Telling the requester the supplier has been contacted."""
    return (f"Hej {to}!\n\nVi har kontaktat leverantören och återkommer när vi har fått svar."
            f"\n\n{rng.choice(p.SIGNATURES)}\n{agent}, {group}")


def internal_note(rng, *, escalated=False) -> str:
    """An internal note; escalations name the supplier's case number."""
    code = f"SUP-{rng.randrange(100000, 999999)}"
    if escalated:
        return f"Eskalerat till leverantören, deras ärende {code}."
    return rng.choice(p.NOTES).format(hour=rng.randrange(6, 17), code=code)


def requester_reply(rng, *, first_name) -> str:
    """The requester answers a question."""
    text = rng.choice(p.REQUESTER_REPLIES).format(place=rng.choice(p.PLACES))
    return f"{text}\n\n{first_name}"
