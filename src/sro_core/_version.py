"""The version of ``sro_core``, in one place: the package and the plugin host read it here."""

__version__ = "0.1.0.dev0"
