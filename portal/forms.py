"""Shared form helpers."""


class NoMaxLengthMixin:
    """Renders no ``maxlength`` on the form's inputs; the length is still checked on the server.

    A browser silently cuts pasted text at ``maxlength``, so the writer never learns that the
    end is missing. Without it an over-long value comes back with the server's error (in the
    error summary and at the field) and the text as written, to be shortened.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)
