import factory

from accounts.models import User

PASSWORD = "a-Strong-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        """UserFactory(regions=["32.14"]): region codes or Region objects."""
        if create and extracted:
            from regions.models import Region

            codes = [r if isinstance(r, str) else r.code for r in extracted]
            self.regions.set(Region.objects.filter(code__in=codes))
        if create:
            self.save()


class OfficialFactory(UserFactory):
    role = User.Role.OFFICIAL


class AgentFactory(UserFactory):
    role = User.Role.AGENT


class AdminFactory(UserFactory):
    is_superuser = True
    is_staff = True
