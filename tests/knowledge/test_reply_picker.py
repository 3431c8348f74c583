"""The reply form's article picker: its <option>s are drawn again only when the titles read differ."""

from markupsafe import escape

from helpdesk.knowledge import queries, services


def _save(users, clock, title, *, audience="employees", article=None, status="published"):
    return services.save_article(article, texts={"sv": (title, "Text.")}, systems=[], audience=audience,
                                 owner=users["erik"], review_on=None, status=status, actor=users["erik"],
                                 now=clock.now())


def _drawn_anew(user) -> str:
    return "".join(f'<option value="{article_id}">{escape(title)}</option>'
                   for article_id, title in queries.reply_choices(user))


def test_options_follow_every_change_of_the_titles(users, clock):
    erik, anna = users["erik"], users["anna"]
    article = _save(users, clock, "Skrivaren <skriver> inte & ut")
    agents_only = _save(users, clock, "Återställa skrivarkön", audience="agents")
    first = str(queries.reply_options_html(erik))
    assert first == _drawn_anew(erik)
    assert "Skrivaren &lt;skriver&gt; inte &amp; ut" in first and "Återställa skrivarkön" in first
    assert queries.reply_options_html(erik) == first  # the same titles: the same options
    assert "Återställa skrivarkön" not in str(queries.reply_options_html(anna))  # not the agents' list
    assert str(queries.reply_options_html(anna)) == _drawn_anew(anna)

    _save(users, clock, "Byta lösenord", article=article)  # a title changed
    changed = str(queries.reply_options_html(erik))
    assert "Byta lösenord" in changed and "Skrivaren" not in changed and changed == _drawn_anew(erik)

    _save(users, clock, "Återställa skrivarkön", audience="agents", article=agents_only, status="archived")
    assert "Återställa skrivarkön" not in str(queries.reply_options_html(erik))  # archived: gone at once
    added = _save(users, clock, "Ny artikel")
    assert f'<option value="{added.id}">Ny artikel</option>' in str(queries.reply_options_html(erik))
