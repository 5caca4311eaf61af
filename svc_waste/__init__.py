"""svc_waste: the scan lifecycle, image storage and the vision job hand-off."""
