"""Digital-skills exercises (DigComp 2.2): catalogue, flow, images, progress."""
