from django.db import transaction

from . import registrations


def fill_seats_on_publish(sender, instance, **kwargs):
    """A coordinator who raises the capacity gives the new seats to the waiting list."""
    transaction.on_commit(lambda: registrations.fill_free_seats(instance))
