"""StreamField blocks shared by the feature apps (cases, network)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("value"), max_length=40)
    unit = blocks.CharBlock(label=_("unit"), max_length=40, required=False)
    label = blocks.CharBlock(label=_("label"), max_length=200)

    class Meta:
        icon = "pick"
        label = _("Key figure")
        template = "blocks/key_figure_block.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), max_length=200, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/image_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), max_length=250, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_block.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    key_figure = KeyFigureBlock()
    quote = QuoteBlock()
    image = ImageBlock()
    document = DocumentBlock()
