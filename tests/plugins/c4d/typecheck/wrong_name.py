"""Misspelt on purpose: Maxon's SDK has CHECKISRUNNING_EXTERNALRENDERING, not ..._PICTUREVIEWER."""
import c4d

running = c4d.CheckIsRunning(c4d.CHECKISRUNNING_PICTUREVIEWER)
