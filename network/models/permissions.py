"""Page permissions within networks: coordinators edit their own networks' pages only."""

from wagtail.models import PagePermissionTester


class NetworkPermissionTester(PagePermissionTester):
    """Editing a network or its meetings needs standing in that network.

    The Coordinators group is granted page permissions on the network index; this keeps a
    coordinator of network A from editing network B.
    """

    def __init__(self, user, page, network):
        super().__init__(user, page)
        if user.is_active and not user.is_superuser and not network.can_be_managed_by(user):
            self.permissions = set()
