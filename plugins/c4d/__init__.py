"""RenderTally's Cinema 4D adapter: editor, Picture Viewer, Render Queue and Commandline renders.

``rendertally.pyp`` (written by installers/c4d.py) adds the plugin's ``lib`` folder to
``sys.path`` (C4D ignores PYTHONPATH for plugins) and calls :func:`hooks.register`.

- :mod:`.hooks`: the MessageData timer, the Settings command, PluginMessage;
- :mod:`.watcher`: CheckIsRunning edges and Render Queue element states → renders;
- :mod:`.recorder`: renders → one :class:`rendertally.core.session.RenderSession` each;
- :mod:`.effect`: the optional "RenderTally" render effect (VideoPostData): exact frames, user break;
- :mod:`.scene`: render settings → engine name, version, frames;
- :mod:`.commandline`: ``Commandline -render … -frame …``;
- :mod:`.dialog`: the native settings dialog; :mod:`.delivery`: the sender, bounded waits.
"""
