"""The Qt settings panel. The only package that imports Qt."""
