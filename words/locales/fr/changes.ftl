# Ce qui a changé entre deux instantanés d'un iPad (lucarne_profiles::compare), et les alertes.

changes-title = Ce qui a changé depuis l'instantané précédent ({ $date }) :
changes-none = Rien n'a changé depuis l'instantané précédent ({ $date }).
changes-first = Premier instantané de cet iPad : les prochains diront ce qui change.
level-alert = ALERTE
level-warning = À surveiller
level-info = Info
change-line = [{ $level }] { $text }
change-profile-added = Profil installé : « { $name } »{ $installer ->
    [mdm] {" "}par le MDM
    [user] {" "}par vous
   *[other] {""}
}.
change-profile-removed = Profil retiré : « { $name } ».
change-profile-changed = Profil modifié : « { $name } ».
change-payload-keys-changed = Réglages modifiés dans le profil « { $name } ».
change-restriction-changed = { $now ->
    [restricts] Nouvelle restriction : { $meaning }
    [lifted] Restriction levée : { $meaning }
   *[other] Restriction modifiée : { $meaning }
}
change-app-added = { $managed-id ->
    [yes] Application installée par le MDM : « { $name } »
    [no] Application installée par vous : « { $name } »
   *[unknown] Nouvelle application : « { $name } » (qui l'a installée : inconnu ; une sauvegarde le dit)
}{ $category-id ->
    [none] .
   *[other] {""} — elle permet à quelqu'un d'autre de voir votre écran ({ $category }).
}
change-app-removed = Application supprimée : « { $name } ».
change-app-updated = Application mise à jour : « { $name } », version { $before } → { $after }.
change-app-newly-managed = L'administration gère désormais l'application « { $name } »{ $category-id ->
    [none] .
   *[other] {""} — elle permet à quelqu'un d'autre de voir votre écran ({ $category }).
}
change-supervision-changed = { $after ->
    [yes] L'iPad est désormais supervisé : l'administration peut installer applications et profils sans vous demander.
   *[other] L'iPad n'est plus supervisé.
}
change-enrolment-changed = Inscription de l'iPad modifiée ({ $field }) : { $before } → { $after }.
change-mdm-server-changed = Serveur MDM : { $before } → { $after }.
change-access-rights-changed = { $wider ->
    [yes] Les droits d'accès du serveur MDM ont été élargis ({ $before } → { $after }).
   *[other] Les droits d'accès du serveur MDM ont été réduits ({ $before } → { $after }).
}
change-trust-anchor-added = Nouveau certificat d'autorité de confiance : « { $name } ».
change-trust-anchor-removed = Certificat d'autorité retiré : « { $name } ».
change-traffic-path-added = Nouveau chemin pour votre trafic : { $path } vers { $server }.
change-capability-changed = Modifié sur place : { $sentence } (avant : { $before }).
change-capabilities-changed = Ce que l'administration peut faire a changé.
change-gained = + { $sentence }
change-lost = − { $sentence }
field-ade = inscription automatique
field-organisation = organisation
field-mdm_unremovable = MDM impossible à retirer
field-allow_pairing = association à un autre ordinateur

# Envois refusés qui cassent la chaîne des instantanés d'un iPad
alert-replay = Envoi refusé : cet instantané (n° { $sequence }) avait déjà été reçu. Quelqu'un a peut-être rejoué un ancien envoi.
alert-rollback = Envoi refusé : l'instantané n° { $sequence } est plus ancien que le dernier reçu (n° { $last }). Retour en arrière suspect.
alert-fork = Envoi refusé : l'instantané n° { $sequence } ne suit pas le dernier reçu (n° { $last }). L'historique de l'iPad a bifurqué.
