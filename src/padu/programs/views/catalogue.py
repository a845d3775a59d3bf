"""The catalogue pages: the list, a program (its rules, versions, compatibility and cohorts), its
form, the compatibility of two programs, and the rule editor (rows added, changed and removed
with htmx, then checked and saved as a new version)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import DomainError, ValidationFailed
from padu.core.scoping import has_capability

from .. import selectors
from ..forms import CompatibilityForm, ProgramForm, posted_version
from ..models import Program
from ..rules import editor
from ..rules.fields import NO_VALUE, OP_LABELS, field_choices, rule_fields
from ..rules.text import describe
from ..services.catalogue import compatibility_set, program_save
from ..services.rules import latest_rule_set, rule_set_create


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def program_list(request):
    return render(
        request,
        "programs/program_list.html",
        {
            "programs": selectors.program_list(),
            "can_manage": has_capability(request.user, Cap.PROGRAM_MANAGE),
        },
    )


def rule_lines(tree: dict | None) -> list[dict]:
    """A tree as indented lines for reading: groups and conditions in words."""
    lines = []

    def walk(node, depth):
        if "not" in node:
            lines.append({"depth": depth, "text": _("not:")})
            walk(node["not"], depth + 1)
        elif "all" in node or "any" in node:
            how = "all" if "all" in node else "any"
            text = _("all of:") if how == "all" else _("any of:")
            lines.append({"depth": depth, "text": text})
            for child in node[how]:
                walk(child, depth + 1)
        else:
            lines.append({"depth": depth, "text": describe(node)})

    if tree:
        walk(tree, 0)
    return lines


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def program_detail(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    rule_set = latest_rule_set(program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "rule_set": rule_set,
            "rule_lines": rule_lines(rule_set.tree if rule_set else None),
            "versions": program.rule_sets.select_related("created_by")[:20],
            "pairs": selectors.compatibility_of(program),
            "cohorts": selectors.cohorts_visible(request.user).filter(program=program)[:20],
            "can_manage": has_capability(request.user, Cap.PROGRAM_MANAGE),
            "compatibility_form": CompatibilityForm(program=program),
        },
    )


@login_required
@capability_required(Cap.PROGRAM_MANAGE)
@require_http_methods(["GET", "POST"])
def program_edit(request, pk: int | None = None):
    program = get_object_or_404(Program, pk=pk) if pk else None
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            saved = program_save(
                actor=request.user,
                values=form.cleaned_data,
                program=program,
                expected_version=posted_version(request),
            )
        except ValidationFailed as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The program is saved."))
            return redirect("programs:detail", pk=saved.pk)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@login_required
@capability_required(Cap.PROGRAM_MANAGE)
@require_POST
def program_compatibility(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    form = CompatibilityForm(request.POST, program=program)
    if form.is_valid():
        try:
            compatibility_set(
                actor=request.user,
                program=program,
                other=form.cleaned_data["other"],
                compatible=form.cleaned_data["compatible"],
                note=form.cleaned_data["note"],
                expected_version=posted_version(request),
            )
            messages.success(request, _("The compatibility is saved."))
        except DomainError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("Choose the other program and whether they may be combined."))
    return redirect(reverse("programs:detail", kwargs={"pk": pk}) + "#compatibility")


def _field_groups():
    groups: dict = {}
    for rf in rule_fields().values():
        groups.setdefault(str(rf.group), []).append((rf.key, str(rf.label)))
    return list(groups.items())


def _row_context(row: editor.Row) -> dict:
    rf = row.rule_field
    ops = [(op, OP_LABELS[op]) for op in rf.ops] if rf else []
    return {
        "row": row,
        "rf": rf,
        "ops": ops,
        "choices": [(str(c), label) for c, label in field_choices(rf)] if rf else [],
        "needs_value": bool(rf) and row.op not in NO_VALUE,
        "field_groups": _field_groups(),
        "programs": Program.objects.order_by("code").values_list("code", "name"),
    }


@login_required
@capability_required(Cap.PROGRAM_MANAGE)
@require_http_methods(["GET", "POST"])
def rules_edit(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    current = latest_rule_set(program)
    errors, note = [], ""
    if request.method == "POST":
        match, rows = editor.rows_from_post(request.POST)
        note = request.POST.get("note", "")[:2000]
        try:
            rule_set = rule_set_create(
                actor=request.user,
                program=program,
                tree=editor.tree_from_rows(match, rows),
                note=note,
                expected_version=posted_version(request),
            )
        except ValidationFailed as exc:
            errors = [m for ms in exc.errors.values() for m in ms]
        except DomainError as exc:
            errors = [str(exc)]
        else:
            messages.success(
                request,
                _("Version %(version)d of the rules is saved.") % {"version": rule_set.version},
            )
            return redirect("programs:detail", pk=program.pk)
        editable = True
    else:
        shown = editor.rows_from_tree(current.tree if current else None)
        editable = shown is not None
        match, rows = shown or ("all", [])
    if not rows:
        rows = [editor.Row()]
    return render(
        request,
        "programs/rules_edit.html",
        {
            "program": program,
            "current": current,
            "editable": editable,
            "current_lines": rule_lines(current.tree if current else None),
            "match": match,
            "rows": [_row_context(r) for r in rows],
            "errors": errors,
            "note": note,
        },
    )


@login_required
@capability_required(Cap.PROGRAM_MANAGE)
@require_GET
def rule_row(request, pk: int):
    """One row of the editor (htmx): a new one, or one redrawn for the field chosen; `remove`
    answers nothing (the row is dropped from the page)."""
    program = get_object_or_404(Program, pk=pk)
    if "remove" in request.GET:
        return render(request, "programs/partials/_empty.html")
    token = request.GET.get("row", "")
    row = editor.Row()
    if token.isalnum() and len(token) <= 16:
        _match, rows = editor.rows_from_post(request.GET)
        row = next((r for r in rows if r.token == token), editor.Row(token=token))
    if row.rule_field and row.op not in row.rule_field.ops:
        row.op = row.rule_field.ops[0]
    return render(
        request, "programs/partials/_rule_row.html", {**_row_context(row), "program": program}
    )
