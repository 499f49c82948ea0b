"""The kill tests' task backend, in this process and in the children: every task runs at
once, as in the other tests, except the data lab's map refresh. That listens to every
publish and index change, and would cost each child seconds (scikit-learn and a map) that
tell nothing about what a kill leaves behind; tests/datalab covers it."""

from django_tasks.backends.immediate import ImmediateBackend


class ImmediateBackendWithoutDatalab(ImmediateBackend):
    def _execute_task(self, task_result) -> None:
        if not task_result.task.module_path.startswith("datalab."):
            super()._execute_task(task_result)
