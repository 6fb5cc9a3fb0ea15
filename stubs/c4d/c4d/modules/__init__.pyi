from . import takesystem as takesystem
