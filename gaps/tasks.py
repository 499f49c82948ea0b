"""Background work of search gaps. Tasks take plain ids and read the current state."""

from django_tasks import task

from search import saved_queries
from search.models import IndexChange

from . import answers, calls, grouping


@task()
def find_search_gaps_task() -> int:
    """Group the log's poor searches into gaps, recount them and re-check open gaps
    against recent experiences; returns how many gaps were recounted."""
    run = grouping.find_gaps()
    answers.recheck_open_gaps()
    return run.gaps


@task()
def answer_page_task(page_id: int) -> int:
    """Whether a published page answers open gaps; returns how many it answered."""
    return len(answers.answer_gaps(page_id))


@task()
def answer_index_change_task(model_id: str, generation: int) -> int:
    """The page one index generation changed against the open gaps (a rebuild: none)."""
    served = saved_queries.served_model()
    if served is None or served[0] != model_id:
        return 0
    page_ids = IndexChange.objects.filter(
        model_id=model_id, generation=generation, page_id__isnull=False
    ).values_list("page_id", flat=True)
    return sum(len(answers.answer_gaps(page_id)) for page_id in set(page_ids))


@task()
def send_call_for_experiences_task(call_id: int) -> int:
    """Mail a call for experiences to the network's active members, each once."""
    return calls.send_call(call_id)
