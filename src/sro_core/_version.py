"""The version of ``sro_core``, in one place: the package and the plugin host read it here."""

__all__ = ["__version__"]

__version__ = "0.1.0.dev0"
