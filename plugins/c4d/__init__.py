"""The Cinema 4D adapter: not built yet. The core, the settings panel and the layering tests are ready
for it; DESIGN.md (Hosts: Cinema 4D) says where its render events come from."""
