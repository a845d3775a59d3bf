# Placeholder until this area's pages land.
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def _todo(request, *args, **kwargs):
    raise Http404


import_list = import_create = import_detail = import_progress = import_errors = import_template = (
    _todo
)
