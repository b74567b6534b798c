"""m07 graded by widgets: every graded question's right answer as the widgets save it, and half-right learners.

Autograded total is 20 (exercise 5 at level 3 is left out of the citizens' edition); the reflection's
2 points are graded by hand. Points are split evenly over each exercise's items.
"""

CORRECT = {
    "m07-settings": {
        "phone_visible": "only_me",
        "find_by_phone": "off",
        "birthday_visible": "only_me",
        "location_in_posts": "off",
        "stranger_messages": "friends",
    },
    "m07-posts": {
        "p1": "location",
        "p2": "id",
        "p3": "safe",
        "p4": "location",
        "p5": "safe",
        "p6": "id",
        "p7": "safe",
        "p8": "location",
    },
    "m07-photo": {
        "camera_location_off": "do",
        "share_without_location": "do",
        "check_background": "do",
        "post_while_there": "dont",
        "tag_exact_place": "dont",
        "send_id_photo": "dont",
    },
    "m07-vneid": {
        "sms_link": "store",
        "call_level2": "hang_up",
        "level2_meaning": "verified",
        "apk_from_official": "refuse",
        "help_parent": "store",
    },
    "m07-unit": {
        "u1": "location",
        "u2": "activity",
        "u3": "location",
        "u4": "activity",
        "u5": "safe",
        "u6": "safe",
    },
}

CASES = [
    # Settings: only find_by_phone and location_in_posts right (2 x 1); posts: everything "safe", so
    # p3, p5, p7 right (3 x 0.5). Nothing else answered: 2 + 1.5.
    {
        "answers": {
            "m07-settings": {
                "phone_visible": "everyone",
                "find_by_phone": "off",
                "birthday_visible": "friends",
                "location_in_posts": "off",
                "stranger_messages": "everyone",
            },
            "m07-posts": {f"p{n}": "safe" for n in range(1, 9)},
        },
        "expected": 3.5,
    },
    # "Do it" for every photo action (3 of 6 right: 1.5); VNeID: falls for the link and the .apk, the
    # other three right (3 x 1); unit posts all "location" (u1, u3 right: 2 x 0.5): 1.5 + 3 + 1.
    {
        "answers": {
            "m07-photo": {
                "camera_location_off": "do",
                "share_without_location": "do",
                "check_background": "do",
                "post_while_there": "do",
                "tag_exact_place": "do",
                "send_id_photo": "do",
            },
            "m07-vneid": {
                "sms_link": "tap",
                "call_level2": "hang_up",
                "level2_meaning": "verified",
                "apk_from_official": "install",
                "help_parent": "store",
            },
            "m07-unit": {f"u{n}": "location" for n in range(1, 7)},
        },
        "expected": 5.5,
    },
]
