"""The seed library in Spanish: each English text of massage/library_seed.py and its Spanish.

Keyed by the English text, as a catalogue is by its msgid: a text changed in the seed has no
Spanish until it is written here too, and a test (tests/massage/test_library_seed_data.py) fails
until then, so the two languages never drift apart silently. Written for parents, in "tú", as the
rest of the app; the cautions say exactly as much as the English ones, never less.
"""

from __future__ import annotations

__all__ = ["SPANISH"]

_WAIT_FOR_YES = (
    "Espera a que tu bebé te diga que sí —te mira a los ojos, sonríe, tiene el cuerpo quieto y "
    "relajado— antes de empezar."
)
_RESTING = "y respira despacio, para que tu bebé se acostumbre a tu contacto."
_NO_OIL_FACE = "Nada de aceite en la cara: usa las yemas de los dedos limpias y secas."
_TUMMY = "Solo cuando la zona del cordón esté bien curada. No subas por encima de las costillas."

SPANISH: dict[str, str] = {
    # Newborn first touch
    "Newborn first touch": "Primer contacto para recién nacidos",
    "A very short, very gentle first routine for the early weeks, with no oil and no tummy "
    "strokes. Many parents find it a calm way to get to know their baby's cues.": (
        "Una primera rutina muy corta y muy suave para las primeras semanas, sin aceite y sin "
        "tocar la barriga. A muchas familias les resulta una forma tranquila de empezar a "
        "conocer las señales de su bebé."
    ),
    "No oil or lotion on the skin in the first weeks.": (
        "Nada de aceite ni crema en la piel durante las primeras semanas."
    ),
    "Leave out the tummy until the cord site has fully healed.": (
        "No masajees la barriga hasta que la zona del cordón esté bien curada."
    ),
    "The lightest touch: it can be done through clothes or while you hold your baby.": (
        "El contacto más ligero: puedes hacerlo por encima de la ropa o con tu bebé en brazos."
    ),
    "Wait about 30 minutes after a feed.": "Espera unos 30 minutos después de una toma.",
    "Born early? Check with your baby's care team before you start, and go by your baby's "
    "corrected age (counted from the due date).": (
        "¿Tu bebé nació antes de tiempo? Consulta a su equipo médico antes de empezar y guíate "
        "por su edad corregida (contada desde la fecha prevista de parto)."
    ),
    "Heart problems, seizures, jaundice, recent surgery or unwell? Ask your clinician first.": (
        "¿Tu bebé tiene problemas de corazón, convulsiones, ictericia, una operación reciente o "
        "no se encuentra bien? Pregunta antes a su médico."
    ),
    "Ask permission": "Pide permiso",
    "Rub your palms together so your baby hears it, show them your hands and ask, “May I "
    "massage you?” Wait for a yes from your baby — eye contact, a smile, a still and relaxed "
    "body — before you begin.": (
        "Frótate las palmas para que tu bebé lo oiga, enséñale las manos y pregúntale: «¿Te "
        f"puedo dar un masaje?». {_WAIT_FOR_YES}"
    ),
    "If your baby turns away, cries or stiffens, try again another time.": (
        "Si tu bebé aparta la cara, llora o se pone rígido, inténtalo en otro momento."
    ),
    "Resting hands": "Manos quietas",
    "Rest your warm hands still on your baby's legs and breathe slowly, letting your baby get "
    "used to your touch.": (
        f"Apoya tus manos calientes, quietas, sobre las piernas de tu bebé {_RESTING}"
    ),
    "Leg glide": "Deslizar por la pierna",
    "Wrap a hand softly around the top of one leg and glide slowly down to the ankle, about "
    "three times on each leg.": (
        "Rodea suavemente con la mano la parte de arriba de una pierna y deslízala despacio "
        "hasta el tobillo, unas tres veces en cada pierna."
    ),
    "Very light pressure for a newborn.": "Presión muy ligera para un recién nacido.",
    "Thumb walk": "Paseo con los pulgares",
    "Support the foot and take small thumb steps along the sole, from the heel up to the toes, "
    "about three times on each foot.": (
        "Sujeta el pie y da pasitos con los pulgares por la planta, del talón hacia los dedos, "
        "unas tres veces en cada pie."
    ),
    "Arm glide": "Deslizar por el brazo",
    "Glide one hand slowly from the shoulder down to the wrist, about three times on each arm.": (
        "Desliza una mano despacio desde el hombro hasta la muñeca, unas tres veces en cada brazo."
    ),
    "Open the fist": "Abrir el puño",
    "Gently open the little fist with your thumb, stroking from the middle of the palm out "
    "toward the fingers.": (
        "Abre con suavidad el puñito con el pulgar, acariciando desde el centro de la palma hacia "
        "los dedos."
    ),
    "Never force the fingers open; if the fist stays closed, stroke the back of the hand "
    "instead.": (
        "Nunca le abras los dedos a la fuerza; si el puño sigue cerrado, acaricia el dorso de la "
        "mano."
    ),
    "Rest your warm hands still on your baby's back while they lie on your chest or across "
    "your lap and breathe slowly, letting your baby get used to your touch.": (
        "Apoya tus manos calientes, quietas, sobre la espalda de tu bebé mientras está tumbado "
        f"sobre tu pecho o atravesado en tu regazo, {_RESTING}"
    ),
    "Back sweep": "Barrido de la espalda",
    "With your baby on your chest or lap, sweep one hand slowly from the neck down to the "
    "bottom.": (
        "Con tu bebé sobre tu pecho o tu regazo, pasa una mano despacio desde la nuca hasta el "
        "culito."
    ),
    "Keep the other hand on your baby so they feel held.": (
        "Deja la otra mano sobre tu bebé para que se sienta sujeto."
    ),
    "Still hold": "Abrazo quieto",
    "Finish by simply holding your baby close and still, letting the calm settle.": (
        "Termina simplemente abrazando a tu bebé cerca de ti, sin moverte, y deja que llegue la "
        "calma."
    ),
    # Full routine
    "Full routine": "Rutina completa",
    "The classic head-to-toe routine, legs first and back last, once your baby enjoys shorter "
    "sessions. Many parents find it becomes a calm shared ritual.": (
        "La rutina clásica de pies a cabeza, primero las piernas y al final la espalda, para "
        "cuando tu bebé ya disfruta de sesiones más cortas. A muchas familias se les convierte "
        "en un ritual tranquilo que comparten."
    ),
    "Use a little unscented plant oil, patch-tested first; no nut, essential or mustard oils.": (
        "Usa un poco de aceite vegetal sin perfume, probado antes en una zona pequeña de la piel; "
        "nada de aceites de frutos secos, esenciales ni de mostaza."
    ),
    "No oil on the face.": "Nada de aceite en la cara.",
    "Tummy strokes only once the cord site has fully healed.": (
        "Masaje en la barriga solo cuando la zona del cordón esté bien curada."
    ),
    "Build up from a few minutes; the whole routine is for a baby who is enjoying it.": (
        "Empieza por unos pocos minutos; la rutina entera es para un bebé que la está disfrutando."
    ),
    "An oiled baby is slippery: keep one hand on them and lift them in a towel.": (
        "Un bebé con aceite resbala: mantén siempre una mano sobre él y levántalo envuelto en "
        "una toalla."
    ),
    "Swedish milking": "Ordeño sueco",
    "Cup the leg in both hands and glide from the ankle up toward the hip, one hand after the "
    "other, about three times on each leg.": (
        "Rodea la pierna con las dos manos y deslízalas del tobillo hacia la cadera, una mano "
        "detrás de la otra, unas tres veces en cada pierna."
    ),
    "Indian milking": "Ordeño indio",
    "Glide from the hip down to the ankle, one hand after the other, about three times on each "
    "leg.": (
        "Desliza las manos de la cadera hacia el tobillo, una detrás de la otra, unas tres veces "
        "en cada pierna."
    ),
    "Optional: some UK guilds advise against strokes toward the feet, so skip it if you prefer.": (
        "Opcional: algunas asociaciones del Reino Unido desaconsejan los movimientos hacia los "
        "pies, así que sáltatelo si lo prefieres."
    ),
    "Squeeze and twist": "Apretar y girar",
    "Hold the leg loosely in both hands and gently wring in opposite directions as you move "
    "from the hip to the ankle.": (
        "Sujeta la pierna sin apretar con las dos manos y gíralas con suavidad en sentidos "
        "contrarios mientras bajas de la cadera al tobillo."
    ),
    "Only a soft squeeze; the skin should never pull.": (
        "Aprieta solo con suavidad; la piel nunca debe estirarse."
    ),
    "Thumb over thumb": "Pulgar sobre pulgar",
    "Walk your thumbs one after the other along the sole, from the heel to the toes.": (
        "Avanza con los pulgares, uno detrás del otro, por la planta del pie, del talón a los "
        "dedos."
    ),
    "Toe rolls": "Rodar los dedos del pie",
    "Roll each little toe gently between your finger and thumb.": (
        "Haz rodar con suavidad cada dedito del pie entre tu índice y tu pulgar."
    ),
    "Rolling": "Rodar",
    "Roll the leg softly between your flat palms, from the knee to the ankle.": (
        "Haz rodar la pierna con suavidad entre tus palmas abiertas, de la rodilla al tobillo."
    ),
    "Rest your warm hands still on the tummy and breathe slowly, letting your baby get used to "
    "your touch.": f"Apoya tus manos calientes, quietas, sobre la barriga {_RESTING}",
    "Only once the cord site has fully healed. Stay below the ribs.": _TUMMY,
    "Water wheel": "Rueda de agua",
    "With flat, relaxed hands, paddle down the tummy from just below the ribs, one hand "
    "following the other, like a slow water wheel.": (
        "Con las manos planas y relajadas, rema hacia abajo por la barriga desde justo debajo de "
        "las costillas, una mano detrás de la otra, como una rueda de agua lenta."
    ),
    "Thumbs to sides": "Pulgares hacia los lados",
    "Place both thumbs beside the belly button and glide them gently out to the sides.": (
        "Pon los dos pulgares junto al ombligo y deslízalos con suavidad hacia los lados."
    ),
    "Sun and moon": "Sol y luna",
    "One hand circles clockwise around the belly button while the other follows it in a "
    "half-moon arc, always moving toward your baby's left hip.": (
        "Una mano dibuja círculos alrededor del ombligo en el sentido de las agujas del reloj "
        "mientras la otra la sigue en media luna, siempre hacia la cadera izquierda de tu bebé."
    ),
    "Only once the cord site has fully healed. Stay below the ribs. Always clockwise as you "
    "look at the tummy.": (
        f"{_TUMMY} Siempre en el sentido de las agujas del reloj, mirando la barriga de frente."
    ),
    "I-Love-U": "I-Love-U («te quiero»)",
    "Draw an “I” down your baby's left side, then an upside-down “L” across and down, then an "
    "upside-down “U” up the right side, across and down the left. That is one set.": (
        "Dibuja una «I» bajando por el lado izquierdo de tu bebé; luego una «L» al revés, de "
        "lado a lado y hacia abajo; luego una «U» al revés, subiendo por el lado derecho, "
        "cruzando y bajando por el izquierdo. Eso es una serie."
    ),
    "Only once the cord site has fully healed. Stay below the ribs. Your baby's left is on "
    "your right.": f"{_TUMMY} La izquierda de tu bebé queda a tu derecha.",
    "Knees to tummy": "Rodillas a la barriga",
    "Hold both lower legs and softly bend the knees up toward the tummy. Hold for a slow count "
    "of six, then let the legs stretch out again.": (
        "Sujeta las dos piernas por debajo de las rodillas y dóblalas con suavidad hacia la "
        "barriga. Mantén mientras cuentas despacio hasta seis y deja que las piernas se estiren "
        "de nuevo."
    ),
    "Never push against resistance; let your baby's legs lead.": (
        "Nunca empujes si notas resistencia; deja que las piernas de tu bebé marquen el camino."
    ),
    "Open book": "Libro abierto",
    "Put your palms together on the breastbone, then glide them out along the ribs and up over "
    "the shoulders, like opening a book.": (
        "Junta las palmas sobre el esternón y deslízalas hacia fuera por las costillas y por "
        "encima de los hombros, como si abrieras un libro."
    ),
    "Butterfly": "Mariposa",
    "Glide one hand from the side of the ribs across to the opposite shoulder and back, then "
    "the other hand, making a cross.": (
        "Desliza una mano desde el costado, por las costillas, hasta el hombro contrario y "
        "vuelve; luego la otra mano, dibujando una cruz."
    ),
    "Armpit stroke": "Caricia desde la axila",
    "Lift the arm a little and stroke lightly down from the armpit with your fingertips.": (
        "Levanta un poco el brazo y acaricia suavemente hacia abajo desde la axila con las yemas "
        "de los dedos."
    ),
    "Arm milking": "Ordeño del brazo",
    "Glide from the shoulder down to the wrist, one hand after the other, about three times on "
    "each arm.": (
        "Desliza las manos del hombro a la muñeca, una detrás de la otra, unas tres veces en "
        "cada brazo."
    ),
    "Wringing": "Escurrir",
    "Hold the arm loosely and gently wring in opposite directions from the shoulder to the "
    "wrist.": (
        "Sujeta el brazo sin apretar y gira las manos con suavidad en sentidos contrarios, del "
        "hombro a la muñeca."
    ),
    "Open the palm": "Abrir la palma",
    "Stroke the palm open with your thumbs, from the middle out to the sides.": (
        "Abre la palma acariciándola con los pulgares, del centro hacia los lados."
    ),
    "Finger rolls": "Rodar los dedos",
    "Roll each finger gently between your finger and thumb, then stroke the back of the hand.": (
        "Haz rodar con suavidad cada dedo entre tu índice y tu pulgar y luego acaricia el dorso "
        "de la mano."
    ),
    "Roll the arm softly between your flat palms, from the shoulder to the wrist.": (
        "Haz rodar el brazo con suavidad entre tus palmas abiertas, del hombro a la muñeca."
    ),
    "Forehead": "Frente",
    "With dry fingertips, glide from the middle of the forehead out to the sides, like opening "
    "a book.": (
        "Con las yemas de los dedos secas, deslízalas del centro de la frente hacia los lados, "
        "como si abrieras un libro."
    ),
    "No oil on the face: use clean, dry fingertips.": _NO_OIL_FACE,
    "Eyebrows": "Cejas",
    "Trace softly along the eyebrows with your thumbs, from the middle outward.": (
        "Recorre las cejas con suavidad con los pulgares, del centro hacia fuera."
    ),
    "Nose to cheeks": "De la nariz a las mejillas",
    "Glide your thumbs down each side of the nose and out across the cheeks.": (
        "Desliza los pulgares hacia abajo por los lados de la nariz y hacia fuera por las mejillas."
    ),
    "Smile": "Sonrisa",
    "Trace a smile with your thumbs just above the upper lip, then one below the lower lip.": (
        "Dibuja una sonrisa con los pulgares justo encima del labio de arriba y luego otra "
        "debajo del labio de abajo."
    ),
    "Jaw circles": "Círculos en la mandíbula",
    "Make small, soft circles along the jaw, behind the ears and under the chin.": (
        "Haz círculos pequeños y suaves a lo largo de la mandíbula, detrás de las orejas y debajo "
        "de la barbilla."
    ),
    "Rest your warm hands still on your baby's back once they lie face down across your lap "
    "or on the mat and breathe slowly, letting your baby get used to your touch.": (
        "Apoya tus manos calientes, quietas, sobre la espalda de tu bebé cuando esté boca abajo "
        f"atravesado en tu regazo o sobre la colchoneta, {_RESTING}"
    ),
    "Turn your baby over gently, and never leave them face down unwatched.": (
        "Dale la vuelta a tu bebé con suavidad y nunca lo dejes boca abajo sin vigilarlo."
    ),
    "Back and forth": "Adelante y atrás",
    "Lay both hands across the back and move them in opposite directions, working slowly from "
    "the neck down to the bottom.": (
        "Pon las dos manos atravesadas sobre la espalda y muévelas en sentidos contrarios, "
        "bajando despacio de la nuca al culito."
    ),
    "Stay off the spine itself; press on the muscles either side.": (
        "No presiones sobre la columna; hazlo sobre los músculos de cada lado."
    ),
    "Sweeping": "Barrido",
    "Rest one hand on the bottom. Sweep the other from the neck to the bottom, then on down the "
    "legs to the ankles.": (
        "Deja una mano apoyada en el culito. Con la otra, barre desde la nuca hasta el culito y "
        "sigue por las piernas hasta los tobillos."
    ),
    "Combing": "Peinado",
    "Finish the back with light fingertip strokes from the neck downward, getting lighter each "
    "time.": (
        "Termina la espalda con caricias ligeras de las yemas de los dedos desde la nuca hacia "
        "abajo, cada vez más suaves."
    ),
    "Cross the arms": "Cruzar los brazos",
    "With your baby on their back, hold the hands, cross the arms gently over the chest and "
    "then open them out wide.": (
        "Con tu bebé boca arriba, tómale las manos, crúzale los brazos con suavidad sobre el "
        "pecho y luego ábreselos bien."
    ),
    "Move only as far as the arms go easily.": (
        "Llega solo hasta donde los brazos vayan con facilidad."
    ),
    "Bicycle": "Bicicleta",
    "Hold the lower legs and move them gently in turn, as if your baby were pedalling a small "
    "bicycle.": (
        "Sujeta las piernas por debajo de las rodillas y muévelas con suavidad, una y otra, como "
        "si tu bebé pedaleara en una bicicleta pequeña."
    ),
    "Keep it slow and easy; stop if your baby stiffens or pulls away.": (
        "Hazlo despacio y sin esfuerzo; para si tu bebé se pone rígido o se aparta."
    ),
    "End with your hands resting still on your baby for a moment, and a cuddle.": (
        "Termina con las manos quietas sobre tu bebé un momento, y un mimo."
    ),
    # Tummy comfort
    "Tummy comfort": "Alivio para la barriga",
    "A short tummy sequence for a windy or unsettled baby. Many parents find it may help ease "
    "trapped gas; it is not a treatment for colic.": (
        "Una secuencia corta para la barriga de un bebé con gases o inquieto. A muchas familias "
        "les parece que puede ayudar a soltar los gases; no es un tratamiento para el cólico."
    ),
    "Only once the cord site has fully healed.": (
        "Solo cuando la zona del cordón esté bien curada."
    ),
    "Wait at least 30 minutes after a feed.": ("Espera al menos 30 minutos después de una toma."),
    "Stay below the ribs and always go clockwise as you look at the tummy.": (
        "No subas por encima de las costillas y ve siempre en el sentido de las agujas del "
        "reloj, mirando la barriga de frente."
    ),
    "Stop if your baby seems distressed, and skip the tummy if they have diarrhoea.": (
        "Para si tu bebé parece angustiado, y no masajees la barriga si tiene diarrea."
    ),
    "Crying that won't settle, fever or vomiting: contact your doctor or health visitor.": (
        "Si llora sin calmarse, tiene fiebre o vómitos: llama a su médico o a su enfermera de "
        "pediatría."
    ),
    "Clock circles": "Círculos de reloj",
    "With your fingertips, circle slowly clockwise around the belly button, like the hands of "
    "a clock, ending low on your baby's left.": (
        "Con las yemas de los dedos, dibuja círculos lentos alrededor del ombligo en el sentido "
        "de las agujas del reloj, como las manecillas, y termina abajo, en el lado izquierdo de "
        "tu bebé."
    ),
    # Wiggly baby bedtime
    "Wiggly baby bedtime": "Hora de dormir para bebés inquietos",
    "A short, playful wind-down for an older baby or toddler who is on the move. Many families "
    "find a familiar routine like this may help at bedtime.": (
        "Un rato corto y juguetón para relajarse, para un bebé mayor o un niño pequeño que no "
        "para quieto. A muchas familias les parece que una rutina conocida como esta puede "
        "ayudar a la hora de dormir."
    ),
    "Oil is optional; this works over pyjamas too.": (
        "El aceite es opcional; también se puede hacer por encima del pijama."
    ),
    "Follow your child: massage whatever faces you, and stop when they have had enough.": (
        "Sigue a tu hijo o hija: masajea lo que tengas delante y para cuando ya haya tenido "
        "bastante."
    ),
    "Use a firm, steady touch rather than a light one, which can tickle.": (
        "Usa un contacto firme y constante mejor que uno ligero, que puede hacer cosquillas."
    ),
    "Rub your palms together so your baby hears it, show them your hands and ask, “Shall we "
    "do your bedtime massage?” Wait for a yes from your baby — eye contact, a smile, a still "
    "and relaxed body — before you begin.": (
        "Frótate las palmas para que tu bebé lo oiga, enséñale las manos y pregúntale: "
        f"«¿Hacemos tu masaje de antes de dormir?». {_WAIT_FOR_YES}"
    ),
    "With your child lying on their tummy, move your hands across the back in opposite "
    "directions, from the neck down to the bottom.": (
        "Con tu hijo o hija tumbado boca abajo, mueve las manos sobre la espalda en sentidos "
        "contrarios, de la nuca al culito."
    ),
    "Shapes on the back": "Dibujos en la espalda",
    "Draw big, slow shapes on the back with your fingertips: a circle, a heart, a star. Your "
    "child can guess what you drew.": (
        "Dibuja formas grandes y lentas en la espalda con las yemas de los dedos: un círculo, "
        "un corazón, una estrella. Tu peque puede adivinar qué has dibujado."
    ),
    "Roll each toe gently between your finger and thumb, with a toe rhyme if you like, such as "
    "“This Little Piggy”.": (
        "Haz rodar con suavidad cada dedo del pie entre tu índice y tu pulgar, con una canción "
        "de dedos si te apetece, como «Este fue a por un huevo»."
    ),
    "Walk your thumbs in small steps along each sole, from the heel to the toes.": (
        "Avanza con los pulgares a pasitos por cada planta del pie, del talón a los dedos."
    ),
    "Glide from the shoulder down to the wrist, one hand after the other, on each arm in turn.": (
        "Desliza las manos del hombro a la muñeca, una detrás de la otra, primero en un brazo y "
        "luego en el otro."
    ),
    "Head-to-toe sweep": "Barrido de la cabeza a los pies",
    "Sweep your hands in one long, slow stroke from the neck down the back and on down the "
    "legs to the toes.": (
        "Pasa las manos en una caricia larga y lenta desde la nuca, por la espalda y las "
        "piernas, hasta los dedos de los pies."
    ),
    "Goodnight hold": "Abrazo de buenas noches",
    "Rest your hands still on your child and say goodnight.": (
        "Deja las manos quietas sobre tu peque y dale las buenas noches."
    ),
    # Face and chest for a stuffy nose
    "Face and chest for a stuffy nose": "Cara y pecho para la nariz tapada",
    "A few quiet minutes of chest and face strokes. Some parents find it may help a baby with "
    "a blocked nose or sore gums to settle; it does not treat a cold.": (
        "Unos minutos tranquilos de caricias en el pecho y la cara. A algunas familias les "
        "parece que puede ayudar a calmarse a un bebé con la nariz tapada o con molestias en las "
        "encías; no cura un resfriado."
    ),
    "No oil on the face; a little plant oil is fine on the chest.": (
        "Nada de aceite en la cara; en el pecho puedes usar un poco de aceite vegetal."
    ),
    "Skip it if your baby has a fever or seems unwell; call your doctor if breathing is fast "
    "or hard, or feeding drops off.": (
        "No lo hagas si tu bebé tiene fiebre o no parece encontrarse bien; llama a su médico si "
        "respira rápido o con esfuerzo, o si come mucho menos."
    ),
    "Rest your warm hands still on your baby's chest and breathe slowly, letting your baby get "
    "used to your touch.": (
        f"Apoya tus manos calientes, quietas, sobre el pecho de tu bebé {_RESTING}"
    ),
    "Put your palms together on the breastbone, then glide them out along the ribs and up over "
    "the shoulders.": (
        "Junta las palmas sobre el esternón y deslízalas hacia fuera por las costillas y por "
        "encima de los hombros."
    ),
    "Glide one hand from the side of the ribs across to the opposite shoulder, then the other "
    "hand, making a cross.": (
        "Desliza una mano desde el costado, por las costillas, hasta el hombro contrario; luego "
        "la otra mano, dibujando una cruz."
    ),
    "With dry fingertips, glide from the middle of the forehead out to the sides.": (
        "Con las yemas de los dedos secas, deslízalas del centro de la frente hacia los lados."
    ),
    "No oil on the face: use clean, dry fingertips. Keep clear of the nostrils and eyes.": (
        f"{_NO_OIL_FACE} No te acerques a los orificios de la nariz ni a los ojos."
    ),
    "Make small, soft circles along the jaw, behind the ears and under the chin; some parents "
    "find this soothing while teeth are coming through.": (
        "Haz círculos pequeños y suaves a lo largo de la mandíbula, detrás de las orejas y debajo "
        "de la barbilla; a algunas familias les parece que calma mientras salen los dientes."
    ),
    "Upright cuddle": "Abrazo en vertical",
    "Finish by holding your baby upright against your chest for a calm cuddle.": (
        "Termina sujetando a tu bebé en vertical contra tu pecho, en un abrazo tranquilo."
    ),
}
